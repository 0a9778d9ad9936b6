using NtmWorkflow.Web.Infrastructure.Storage;

namespace NtmWorkflow.Web.Infrastructure.Documents;

/// <summary>
/// The embedded default: documents as files under one folder. Writes go to a temporary file that is
/// moved into place, so a crash never leaves half a document under its key.
/// </summary>
public sealed class LocalFolderDocumentStore : IDocumentStore
{
    private const string ContentTypeSuffix = ".content-type";
    private const string PartsSuffix = ".parts";
    private readonly string _root;

    public LocalFolderDocumentStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public async Task SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            await File.WriteAllTextAsync(path + ContentTypeSuffix, contentType, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<StoredDocument?> OpenAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        var contentType = File.Exists(path + ContentTypeSuffix)
            ? await File.ReadAllTextAsync(path + ContentTypeSuffix, cancellationToken)
            : "application/octet-stream";
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return new StoredDocument(stream, contentType, stream.Length);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var existed = File.Exists(path);
        File.Delete(path);
        File.Delete(path + ContentTypeSuffix);
        return Task.FromResult(existed);
    }

    public async Task StageBlockAsync(string key, int index, long offset, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var path = PathOf(key) + PartsSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        if (offset > file.Length)
        {
            throw new InvalidOperationException($"Part {index} of '{key}' starts at byte {offset}, after the {file.Length} bytes stored.");
        }

        // Writing at the part's offset and cutting what follows makes a resent part replace the first attempt.
        file.Position = offset;
        await content.CopyToAsync(file, cancellationToken);
        file.SetLength(file.Position);
        await file.FlushAsync(cancellationToken);
    }

    public async Task CommitBlocksAsync(string key, int count, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path + PartsSuffix))
        {
            throw new InvalidOperationException($"No parts of '{key}' are stored.");
        }

        await File.WriteAllTextAsync(path + ContentTypeSuffix, contentType, cancellationToken);
        File.Move(path + PartsSuffix, path, overwrite: true);
    }

    public Task DiscardBlocksAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key) + PartsSuffix);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.EndsWith(ContentTypeSuffix, StringComparison.Ordinal) || key.Split('/').Any(s => s.EndsWith(PartsSuffix, StringComparison.Ordinal) || s.StartsWith('.')))
            {
                continue;
            }

            yield return key;
        }

        await Task.CompletedTask;
    }

    public Task<string?> ProbeAsync(CancellationToken cancellationToken) =>
        FolderProbe.CheckWritableAsync(_root, "Document folder", cancellationToken);

    private string PathOf(string key) => Path.Combine(_root, DocumentKey.Normalize(key).Replace('/', Path.DirectorySeparatorChar));
}
