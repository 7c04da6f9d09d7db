using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansKv.Silo.Hosting;
using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Silo.Tests;

/// <summary>The <c>azureblob</c> storage a silo configures, checked on a host that is built but not started.</summary>
public sealed class AzureBlobStorageSettingsTests
{
    private const string ConnectionString = "DefaultEndpointsProtocol=https;AccountName=orleanskvtest;AccountKey=a2V5;EndpointSuffix=core.windows.net";

    [Fact]
    public void The_blob_provider_reads_each_state_whole_in_the_silos_default_format()
    {
        var settings = Settings.Bind(("Silo:Storage", "azureblob"), ("Silo:AzureBlobConnectionString", ConnectionString));
        using var host = new HostBuilder().UseOrleans(silo => SiloBuilderSetup.Configure(silo, settings)).Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get("azureblob");
        // Not a streaming serializer: Orleans's provider then reads each blob into a buffer with
        // asynchronous I/O, never deserializing from the response stream synchronously.
        Assert.IsNotAssignableFrom<IGrainStorageStreamingSerializer>(options.GrainStorageSerializer);
        var whole = Assert.IsType<WholeStateGrainStorageSerializer>(options.GrainStorageSerializer);
        Assert.Same(host.Services.GetRequiredService<IGrainStorageSerializer>(), whole.Inner);
        Assert.Equal("orleanskvtest", options.BlobServiceClient!.AccountName);
    }
}
