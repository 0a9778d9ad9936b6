using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;

namespace NtmWorkflow.Web.Infrastructure.Email;

/// <summary>Sends through an SMTP server with MailKit: one connection per message, authenticated only when credentials are set.</summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var mime = MimeMessageFactory.Create(options.Value, message);
        using var client = await ConnectAsync(cancellationToken);
        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        logger.LogInformation("Sent \"{Subject}\" to {Count} recipient(s) through SMTP", message.Subject, message.To.Count);
    }

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = await ConnectAsync(cancellationToken);
            await client.NoOpAsync(cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException
                                       or MailKit.Security.AuthenticationException or SmtpCommandException or OperationCanceledException)
        {
            var smtp = options.Value.Smtp;
            return $"SMTP server {smtp.Host}:{smtp.Port} is not reachable: {e.Message}";
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? string.Empty, cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
