namespace NtmWorkflow.Web.Infrastructure.Documents;

/// <summary>
/// Where evidence files, generated decisions and minutes are kept. Keys are relative paths with
/// forward slashes ("dossiers/2026/abc/evidence-1.pdf"); the database holds the key, the store the bytes.
/// </summary>
public interface IDocumentStore
{
    /// <summary>Stores the content under <paramref name="key"/>, replacing what was there.</summary>
    Task SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>Opens the content for reading, or returns null when nothing is stored under the key.</summary>
    Task<StoredDocument?> OpenAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the content; true when something was deleted.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores part <paramref name="index"/> (at byte <paramref name="offset"/>) of a document uploaded in parts. Parts
    /// are invisible until <see cref="CommitBlocksAsync"/>; sending a part again replaces it, so a retried part is harmless.
    /// </summary>
    Task StageBlockAsync(string key, int index, long offset, Stream content, CancellationToken cancellationToken);

    /// <summary>Makes parts 0 to <paramref name="count"/> − 1, in order, the document under <paramref name="key"/>.</summary>
    Task CommitBlocksAsync(string key, int count, string contentType, CancellationToken cancellationToken);

    /// <summary>Forgets the parts of an upload that will not be committed.</summary>
    Task DiscardBlocksAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every stored document's key, in no particular order; parts of unfinished uploads are not documents.</summary>
    IAsyncEnumerable<string> ListAsync(CancellationToken cancellationToken);

    /// <summary>Checks that the store can be reached and written to; a readable reason when not.</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken);
}

public sealed record StoredDocument(Stream Content, string ContentType, long Length) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>Keys are validated once, here, so neither store can be tricked into leaving its root.</summary>
public static class DocumentKey
{
    public static string Normalize(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var segments = key.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is "." or ".." || s.Any(char.IsControl)))
        {
            throw new ArgumentException($"'{key}' is not a valid document key.", nameof(key));
        }

        return string.Join('/', segments);
    }
}
