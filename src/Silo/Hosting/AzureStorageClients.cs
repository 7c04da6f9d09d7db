using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using OrleansKv.Silo.Configuration;

namespace OrleansKv.Silo.Hosting;

/// <summary>
/// How the silo reaches Azure Storage for clustering and grain storage: by the account's service
/// URI with the silo's own identity (<see cref="DefaultAzureCredential"/>: the managed identity in
/// Azure, no key anywhere) when one is given, else by a connection string (Azurite).
/// </summary>
internal static class AzureStorageClients
{
    public static TableServiceClient Table(SiloSettings settings) => settings.AzureTableServiceUri.Length > 0
        ? new TableServiceClient(new Uri(settings.AzureTableServiceUri), new DefaultAzureCredential())
        : new TableServiceClient(settings.AzureTableConnectionString);

    public static BlobServiceClient Blob(SiloSettings settings) => settings.AzureBlobServiceUri.Length > 0
        ? new BlobServiceClient(new Uri(settings.AzureBlobServiceUri), new DefaultAzureCredential())
        : new BlobServiceClient(settings.AzureBlobConnectionString);
}
