using Orleans.Storage;

namespace OrleansKv.Storage.Tests.RaftState;

/// <summary>The Raft state contract on this repository's <c>file</c> grain storage provider.</summary>
public sealed class FileProviderRaftStateTests(FileStorageSilo silo) : RaftStateStoreContract, IClassFixture<FileStorageSilo>
{
    protected override IGrainStorage Storage => silo.Provider;
}
