using MailKit.Security;

namespace NtmWorkflow.Web.Infrastructure.Email;

public enum EmailTransport
{
    /// <summary>Each message is written as an .eml file to a folder (the embedded default).</summary>
    Pickup,

    /// <summary>Messages go to an SMTP server.</summary>
    Smtp,
}

/// <summary>Section <c>Email</c>.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    public EmailTransport Transport { get; set; } = EmailTransport.Pickup;

    /// <summary>The sender, e.g. "NtmWorkflow &lt;no-reply@ntm.example.vn&gt;".</summary>
    public string From { get; set; } = "NtmWorkflow <no-reply@ntmworkflow.local>";

    /// <summary>Pickup: the folder; defaults to <c>mail-pickup</c> in the data directory.</summary>
    public string? PickupDirectory { get; set; }

    public SmtpServerOptions Smtp { get; set; } = new();
}

public sealed class SmtpServerOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 25;

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit's names).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    /// <summary>Authenticate only when set.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public int TimeoutSeconds { get; set; } = 30;
}
