using Orleans.Storage;

namespace OrleansKv.Storage.Tests.RaftState;

/// <summary>The Raft state contract on Azure Blob grain storage (Microsoft.Orleans.Persistence.AzureStorage), against Azurite.</summary>
public sealed class AzureBlobProviderRaftStateTests(AzureBlobStorageSilo silo) : RaftStateStoreContract, IClassFixture<AzureBlobStorageSilo>
{
    protected override IGrainStorage Storage => silo.Provider;
}
