using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Storage.Tests.RaftState;

/// <summary>The Raft state contract on Azure Blob grain storage (Microsoft.Orleans.Persistence.AzureStorage), against Azurite.</summary>
public sealed class AzureBlobProviderRaftStateTests(AzureBlobStorageSilo silo) : RaftStateStoreContract, IClassFixture<AzureBlobStorageSilo>
{
    protected override IGrainStorage Storage => silo.Provider;

    [Fact]
    public void The_provider_reads_each_state_whole_with_the_serializer_orleans_would_have_chosen()
    {
        var serializer = silo.Services.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get("azureblob").GrainStorageSerializer;
        // Not a streaming serializer: Orleans's provider then reads the blob into a buffer with
        // asynchronous I/O instead of deserializing from the response stream synchronously.
        Assert.IsNotAssignableFrom<IGrainStorageStreamingSerializer>(serializer);
        var whole = Assert.IsType<WholeStateGrainStorageSerializer>(serializer);
        // The same format as without it (the silo's default, Orleans's JSON serializer).
        Assert.Same(silo.Services.GetRequiredService<IGrainStorageSerializer>(), whole.Inner);
    }
}
