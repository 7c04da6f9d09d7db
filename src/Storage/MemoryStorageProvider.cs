using System.Collections.Concurrent;
using OrleansKv.Replica.Storage;

namespace OrleansKv.Storage;

/// <summary>
/// The <c>memory</c> storage provider: every group's state lives in memory only and is lost with
/// the process. Writes count as durable at once, so callbacks run inside Persist/SaveSnapshot.
/// For tests and simulations.
/// </summary>
public sealed class MemoryStorageProvider : IStorageProvider
{
    public const string ProviderName = "memory";

    private readonly ConcurrentDictionary<uint, MemoryGroupStore> _groups = new();

    public string Name => ProviderName;

    public IRaftGroupStore OpenGroup(uint groupId) => _groups.GetOrAdd(groupId, id => new MemoryGroupStore(id));

    public void Dispose() { }
}
