using Orleans.Serialization.Cloning;
using OrleansKv.Contracts;
using OrleansKv.Raft;

namespace OrleansKv.Grains.Serialization;

/// <summary>
/// Copies an array of a grain call by sharing it, for the arrays our grain calls carry whose
/// owner builds a fresh one per call and never changes it once sent. Orleans copies the arguments
/// and the result of every call (a local call would otherwise share them); for these arrays its
/// default copier allocates a new array and records each element in a reference table, although
/// the elements' own copiers already share them.
/// </summary>
public abstract class SharedArrayCopier<T> : IDeepCopier<T[]>
{
    /// <inheritdoc/>
    public T[]? DeepCopy(T[]? input, CopyContext context) => input;
}

/// <summary>The messages of one <c>Deliver</c> call: one array per destination per Ready.</summary>
[RegisterCopier]
public sealed class RaftMessageArrayCopier : SharedArrayCopier<Message>;

/// <summary>The requests of one <c>ExecuteBatch</c> call: the client builds one array per batch.</summary>
[RegisterCopier]
public sealed class KvRequestArrayCopier : SharedArrayCopier<KvRequest>;

/// <summary>The answers of one <c>ExecuteBatch</c> call: filled in by the replica, complete before the call returns.</summary>
[RegisterCopier]
public sealed class KvResponseArrayCopier : SharedArrayCopier<KvResponse>;
