namespace NtmWorkflow.Web.Infrastructure.Email;

/// <summary>A reminder, an escalation or a notice to one or more officials; <paramref name="MessageId"/> (without angle brackets) is generated when null.</summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string TextBody, string? HtmlBody = null, string? MessageId = null);

/// <summary>Sends email; callers do not know whether it goes to SMTP or a pickup folder.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);

    /// <summary>Checks that the transport can take mail; a readable reason when not.</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken);
}
