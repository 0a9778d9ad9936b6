namespace NtmWorkflow.Web.Infrastructure.Email;

/// <summary>
/// A reminder, an escalation or a notice to one or more officials; <paramref name="MessageId"/> (without angle brackets) is
/// generated when null. <paramref name="Attachments"/> go as MIME parts after the text.
/// </summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string TextBody, string? HtmlBody = null, string? MessageId = null,
    IReadOnlyList<EmailAttachment>? Attachments = null);

/// <summary>A file sent with a mail: its name as the recipient sees it (any Unicode), its media type and its bytes.</summary>
public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>Sends email; callers do not know whether it goes to SMTP or a pickup folder.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);

    /// <summary>Checks that the transport can take mail; a readable reason when not.</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken);
}
