using MimeKit;

namespace NtmWorkflow.Web.Infrastructure.Email;

internal static class MimeMessageFactory
{
    public static MimeMessage Create(EmailOptions options, EmailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.To.Count == 0)
        {
            throw new ArgumentException("An email needs at least one recipient.", nameof(message));
        }

        var mime = new MimeMessage { Subject = message.Subject };
        if (message.MessageId is not null)
        {
            mime.MessageId = message.MessageId;
        }

        mime.From.Add(MailboxAddress.Parse(options.From));
        foreach (var to in message.To)
        {
            mime.To.Add(MailboxAddress.Parse(to));
        }

        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        foreach (var attachment in message.Attachments ?? [])
        {
            var part = body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));

            // Vietnamese file names: the parameters as RFC 2231 (filename*=utf-8''…), which mail clients decode, never encoded-words.
            foreach (var parameter in part.ContentType.Parameters.Concat(part.ContentDisposition?.Parameters ?? []))
            {
                parameter.EncodingMethod = ParameterEncodingMethod.Rfc2231;
            }
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }
}
