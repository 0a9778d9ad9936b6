using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace NtmWorkflow.Web.Infrastructure.Documents;

/// <summary>Documents as block blobs in one Azure Storage container (Azurite in tests).</summary>
/// <remarks>
/// An upload replaces the blob atomically: readers see the old or the new content, never a mix.
/// The container is created on first use, so a fresh storage account needs no set-up step.
/// </remarks>
public sealed class BlobDocumentStore(BlobContainerClient container) : IDocumentStore
{
    private int _containerReady;

    public async Task SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        var blob = container.GetBlobClient(DocumentKey.Normalize(key));
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
    }

    public async Task<StoredDocument?> OpenAsync(string key, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(DocumentKey.Normalize(key));
        try
        {
            var response = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            var details = response.Value.Details;
            return new StoredDocument(response.Value.Content, details.ContentType ?? "application/octet-stream", details.ContentLength);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(DocumentKey.Normalize(key));
        try
        {
            return (await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task StageBlockAsync(string key, int index, long offset, Stream content, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await container.GetBlockBlobClient(DocumentKey.Normalize(key)).StageBlockAsync(BlockId(index), content, cancellationToken: cancellationToken);
    }

    public async Task CommitBlocksAsync(string key, int count, string contentType, CancellationToken cancellationToken)
    {
        var blob = container.GetBlockBlobClient(DocumentKey.Normalize(key));
        await blob.CommitBlockListAsync(Enumerable.Range(0, count).Select(BlockId),
            new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
    }

    // Uncommitted blocks have no blob to delete: the service drops them after a week (as Azurite does).
    public Task DiscardBlocksAsync(string key, CancellationToken cancellationToken) => DeleteAsync(key, cancellationToken);

    public async IAsyncEnumerable<string> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await container.ExistsAsync(cancellationToken))
        {
            yield break;
        }

        // Listing shows committed blobs only: staged parts of an upload stay invisible, as they do to readers.
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            yield return blob.Name;
        }
    }

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureContainerAsync(cancellationToken);
            await container.GetPropertiesAsync(cancellationToken: cancellationToken);
            return null;
        }
        catch (RequestFailedException e)
        {
            return $"Blob container '{container.Name}' is not reachable: {e.Status} {e.ErrorCode}";
        }
        catch (AggregateException e)
        {
            return $"Blob storage is not reachable: {e.InnerException?.Message ?? e.Message}";
        }
    }

    /// <summary>Block ids must all have one length within a blob: the part number, zero-padded, in base64.</summary>
    private static string BlockId(int index) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)));

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _containerReady) == 1)
        {
            return;
        }

        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        Volatile.Write(ref _containerReady, 1);
    }
}
