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
}
