using OrleansKv.Grains;

namespace OrleansKv.Client;

/// <summary>
/// Every KV operation of an OrleansKv cluster, sent as a grain call to the replica that leads the
/// key's group. Writes carry (client id, sequence) and are retried with the same pair after a
/// timeout or a failover, so a retried write applies once.
/// </summary>
public interface IKvClient : IAsyncDisposable
{
    /// <summary>The value and version of <paramref name="key"/>, or null if it is absent.</summary>
    Task<KvEntry?> GetAsync(ReadOnlyMemory<byte> key, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken cancellationToken = default);

    /// <summary>Sets the value; returns the new version.</summary>
    /// <exception cref="ConditionFailedException">The condition did not hold; nothing was written.</exception>
    Task<ulong> PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Appends to the value (creating the key if absent and the condition allows); returns the new version.</summary>
    Task<ulong> AppendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Deletes the key; true if it existed.</summary>
    Task<bool> DeleteAsync(ReadOnlyMemory<byte> key, WriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Silos, groups, their replicas and slots, and the leaders, as a silo of the cluster reports them.</summary>
    Task<ClusterView> GetClusterViewAsync(CancellationToken cancellationToken = default);
}

public enum ReadConsistency
{
    /// <summary>Confirmed by the group's leader (ReadIndex): sees every write acknowledged before the read began.</summary>
    Linearizable,
    /// <summary>Served by any replica from what it has applied; may miss recent writes.</summary>
    Stale,
}

/// <summary>A value read from the store.</summary>
/// <param name="Version">The log index that last wrote the key.</param>
/// <param name="IsStale">True when a replica answered a stale read.</param>
public sealed record KvEntry(ReadOnlyMemory<byte> Value, ulong Version, bool IsStale);

public enum WriteConditionKind { None, VersionEquals, MustExist, MustNotExist, ValueEquals }

/// <summary>A DynamoDB-style condition on a write; the default is no condition.</summary>
public readonly record struct WriteCondition(WriteConditionKind Kind, ulong ExpectedVersion, ReadOnlyMemory<byte> ExpectedValue)
{
    public static WriteCondition None => default;
    /// <summary>The key's version equals <paramref name="version"/> (0: the key is absent).</summary>
    public static WriteCondition IfVersion(ulong version) => new(WriteConditionKind.VersionEquals, version, default);
    public static WriteCondition IfExists => new(WriteConditionKind.MustExist, 0, default);
    public static WriteCondition IfNotExists => new(WriteConditionKind.MustNotExist, 0, default);
    public static WriteCondition IfValue(ReadOnlyMemory<byte> value) => new(WriteConditionKind.ValueEquals, 0, value);
}
