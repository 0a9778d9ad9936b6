using System.Text;
using Azure.Storage.Blobs;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Infrastructure.Documents;

namespace NtmWorkflow.Web.Tests.Documents;

/// <summary>The same contract on both stores: the local folder (embedded default) and Azure Blob Storage (Azurite).</summary>
public abstract class DocumentStoreTests : IDisposable
{
    protected abstract IDocumentStore Store { get; }

    [Fact]
    public async Task A_document_round_trips_with_its_content_type()
    {
        var key = $"dossiers/2026/{Guid.NewGuid():N}/Biên bản thẩm tra.pdf";
        var bytes = Encoding.UTF8.GetBytes("%PDF-1.7 biên bản thẩm tra xã Phố Bảng");
        await Store.SaveAsync(key, new MemoryStream(bytes), "application/pdf", CancellationToken.None);

        await using var stored = await Store.OpenAsync(key, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal("application/pdf", stored.ContentType);
        Assert.Equal(bytes.Length, stored.Length);
        using var copy = new MemoryStream();
        await stored.Content.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Saving_again_replaces_and_delete_removes()
    {
        var key = $"tests/{Guid.NewGuid():N}.txt";
        await Store.SaveAsync(key, new MemoryStream("one"u8.ToArray()), "text/plain", CancellationToken.None);
        await Store.SaveAsync(key, new MemoryStream("two"u8.ToArray()), "text/plain", CancellationToken.None);
        await using (var stored = await Store.OpenAsync(key, CancellationToken.None))
        {
            Assert.Equal("two", await new StreamReader(stored!.Content).ReadToEndAsync());
        }

        Assert.True(await Store.DeleteAsync(key, CancellationToken.None));
        Assert.False(await Store.DeleteAsync(key, CancellationToken.None));
        Assert.Null(await Store.OpenAsync(key, CancellationToken.None));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("a/../../outside.txt")]
    [InlineData("")]
    public async Task A_key_that_leaves_the_store_is_refused(string key) =>
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAsync(key, new MemoryStream([1]), "text/plain", CancellationToken.None));

    [Fact]
    public async Task Parts_staged_in_order_become_the_document_once_committed_and_a_resent_part_replaces_the_first()
    {
        var key = $"dossiers/{Guid.NewGuid():N}/upload";
        byte[] first = [1, 1, 1, 1], second = [2, 2, 2, 2], last = [3, 3];
        await Store.StageBlockAsync(key, 0, 0, new MemoryStream(first), CancellationToken.None);
        await Store.StageBlockAsync(key, 1, 4, new MemoryStream([9, 9, 9, 9]), CancellationToken.None);
        Assert.Null(await Store.OpenAsync(key, CancellationToken.None));

        // The answer to part 1 was lost and it was sent again: the second copy counts.
        await Store.StageBlockAsync(key, 1, 4, new MemoryStream(second), CancellationToken.None);
        await Store.StageBlockAsync(key, 2, 8, new MemoryStream(last), CancellationToken.None);
        await Store.CommitBlocksAsync(key, 3, "application/pdf", CancellationToken.None);
        await using var stored = await Store.OpenAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stored!.Content.CopyToAsync(copy);
        Assert.Equal(first.Concat(second).Concat(last), copy.ToArray());
    }

    [Fact]
    public async Task Discarded_parts_never_become_a_document()
    {
        var key = $"dossiers/{Guid.NewGuid():N}/abandoned";
        await Store.StageBlockAsync(key, 0, 0, new MemoryStream([1, 2, 3]), CancellationToken.None);
        await Store.DiscardBlocksAsync(key, CancellationToken.None);
        Assert.Null(await Store.OpenAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task The_probe_reports_a_reachable_store() => Assert.Null(await Store.ProbeAsync(CancellationToken.None));

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

public sealed class LocalFolderDocumentStoreTests : DocumentStoreTests
{
    private readonly TemporaryDirectory _directory = new();

    public LocalFolderDocumentStoreTests() => Store = new LocalFolderDocumentStore(_directory.Path);

    protected override IDocumentStore Store { get; }

    [Fact]
    public async Task No_temporary_files_are_left_behind()
    {
        await Store.SaveAsync("a/b.txt", new MemoryStream("x"u8.ToArray()), "text/plain", CancellationToken.None);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.tmp", SearchOption.AllDirectories));
    }

    public override void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
    }
}

[Trait("Service", "Azurite")]
public sealed class BlobDocumentStoreTests : DocumentStoreTests
{
    private readonly BlobContainerClient _container;

    public BlobDocumentStoreTests()
    {
        _container = new BlobServiceClient(TestEnvironment.Azurite).GetBlobContainerClient("test-" + Guid.NewGuid().ToString("N")[..12]);
        Store = new BlobDocumentStore(_container);
    }

    protected override IDocumentStore Store { get; }

    [Fact]
    public async Task The_container_is_created_on_first_use()
    {
        Assert.False((await _container.ExistsAsync()).Value);
        await Store.SaveAsync("first.txt", new MemoryStream("x"u8.ToArray()), "text/plain", CancellationToken.None);
        Assert.True((await _container.ExistsAsync()).Value);
    }

    [Fact]
    public async Task An_unreachable_account_is_reported_not_thrown()
    {
        var nowhere = new BlobServiceClient(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;",
            new Azure.Storage.Blobs.BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } });
        var problem = await new BlobDocumentStore(nowhere.GetBlobContainerClient("x")).ProbeAsync(CancellationToken.None);
        Assert.NotNull(problem);
        Assert.Contains("not reachable", problem, StringComparison.Ordinal);
    }

    public override void Dispose()
    {
        _container.DeleteIfExists();
        base.Dispose();
    }
}
