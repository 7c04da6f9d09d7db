namespace OrleansKv.Replica.Storage;

/// <summary>
/// A storage provider in Orleans's sense: where a silo's grains keep their durable state. One
/// provider per silo serves every Raft group hosted there, so writes of all groups can share
/// one fsync (group commit). Opening the provider recovers whatever was durable before.
/// </summary>
public interface IStorageProvider : IDisposable
{
    /// <summary>The configured name: "file" or "memory".</summary>
    string Name { get; }

    /// <summary>The store of one group, created empty the first time it is asked for.</summary>
    IRaftGroupStore OpenGroup(uint groupId);
}
