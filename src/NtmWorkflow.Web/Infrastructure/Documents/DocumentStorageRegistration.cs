using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Infrastructure.Storage;

namespace NtmWorkflow.Web.Infrastructure.Documents;

public static class DocumentStorageRegistration
{
    public static IHostApplicationBuilder AddDocumentStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(DocumentStorageOptions.SectionName).Get<DocumentStorageOptions>() ?? new DocumentStorageOptions();
        if (options.ChunkBytes is < 64 * 1024 or > 32 * 1024 * 1024 || options.MaxDocumentBytes < 1)
        {
            throw new OptionsValidationException(DocumentStorageOptions.SectionName, typeof(DocumentStorageOptions),
                [$"Documents:ChunkBytes must be from 65536 to 33554432 (is {options.ChunkBytes}) and Documents:MaxDocumentBytes positive (is {options.MaxDocumentBytes})."]);
        }

        builder.Services.AddSingleton(Options.Create(options));
        switch (options.Provider)
        {
            case DocumentStorageProvider.LocalFolder:
                var root = string.IsNullOrWhiteSpace(options.Path)
                    ? Path.Combine(DataDirectory.Resolve(builder.Configuration), "documents")
                    : options.Path;
                builder.Services.AddSingleton<IDocumentStore>(new LocalFolderDocumentStore(root));
                break;
            case DocumentStorageProvider.AzureBlob:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new OptionsValidationException(DocumentStorageOptions.SectionName, typeof(DocumentStorageOptions),
                        ["Documents:ConnectionString is required when Documents:Provider is AzureBlob."]);
                }

                // One client for the app: it pools connections and is thread-safe.
                builder.Services.AddSingleton(new BlobServiceClient(options.ConnectionString));
                builder.Services.AddSingleton<IDocumentStore>(sp =>
                    new BlobDocumentStore(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(options.Container)));
                break;
            default:
                throw new OptionsValidationException(DocumentStorageOptions.SectionName, typeof(DocumentStorageOptions),
                    [$"Documents:Provider must be LocalFolder or AzureBlob, not '{options.Provider}'."]);
        }

        return builder;
    }
}
