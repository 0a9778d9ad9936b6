using Microsoft.Extensions.Options;

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

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, ".probe-" + Guid.NewGuid().ToString("N"));
            await File.WriteAllTextAsync(probe, "ok", cancellationToken);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"Mail pickup folder '{folder}' is not writable: {e.Message}";
        }
    }
}
