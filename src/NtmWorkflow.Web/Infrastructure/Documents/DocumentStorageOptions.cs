namespace NtmWorkflow.Web.Infrastructure.Documents;

public enum DocumentStorageProvider
{
    LocalFolder,
    AzureBlob,
}

/// <summary>Section <c>Documents</c>.</summary>
public sealed class DocumentStorageOptions
{
    public const string SectionName = "Documents";

    public DocumentStorageProvider Provider { get; set; } = DocumentStorageProvider.LocalFolder;

    /// <summary>LocalFolder: the root folder; defaults to <c>documents</c> in the data directory.</summary>
    public string? Path { get; set; }

    /// <summary>AzureBlob: the storage account's connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>AzureBlob: the container, created when missing.</summary>
    public string Container { get; set; } = "documents";

    /// <summary>The largest evidence document accepted (a software setting, not a legal one): 50 MiB by default.</summary>
    public long MaxDocumentBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// The size of each part of an upload: small enough to resend cheaply on a slow provincial line, large enough
    /// to keep requests few. 2 MiB by default; between 64 KiB and 32 MiB.
    /// </summary>
    public int ChunkBytes { get; set; } = 2 * 1024 * 1024;
}
