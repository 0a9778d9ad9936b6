using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Infrastructure.Storage;

namespace NtmWorkflow.Web.Infrastructure.Email;

/// <summary>
/// The embedded default: each message becomes an .eml file in a folder, which any mail client opens
/// and an SMTP relay can pick up. Written to a temporary name and renamed, so a reader never sees half a file.
/// </summary>
public sealed class PickupFolderEmailSender(IOptions<EmailOptions> options, string folder, ILogger<PickupFolderEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var mime = MimeMessageFactory.Create(options.Value, message);
        Directory.CreateDirectory(folder);
        var name = $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}";
        var temporary = Path.Combine(folder, name + ".tmp");
        await mime.WriteToAsync(temporary, cancellationToken);
        File.Move(temporary, Path.Combine(folder, name + ".eml"));
        logger.LogInformation("Wrote \"{Subject}\" for {Count} recipient(s) to the pickup folder", message.Subject, message.To.Count);
    }

    public Task<string?> ProbeAsync(CancellationToken cancellationToken) =>
        FolderProbe.CheckWritableAsync(folder, "Mail pickup folder", cancellationToken);
}
