using Orleans.Storage;

namespace OrleansKv.Storage.Tests.RaftState;

/// <summary>The Raft state contract on Orleans's memory grain storage (Microsoft.Orleans.Persistence.Memory).</summary>
public sealed class MemoryProviderRaftStateTests(MemoryStorageSilo silo) : RaftStateStoreContract, IClassFixture<MemoryStorageSilo>
{
    protected override IGrainStorage Storage => silo.Provider;
}
