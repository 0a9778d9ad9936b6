namespace NtmWorkflow.Web.Infrastructure.Storage;

/// <summary>Readiness check for the embedded defaults that write to a folder.</summary>
public static class FolderProbe
{
    /// <summary>Writes and deletes a small file; null when that works, else a readable reason naming <paramref name="what"/>.</summary>
    public static async Task<string?> CheckWritableAsync(string folder, string what, CancellationToken cancellationToken)
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
            return $"{what} '{folder}' is not writable: {e.Message}";
        }
    }
}
