namespace OrleansKv.Raft;

/// <summary>
/// What a leader's shell may apply while a <see cref="Ready"/> is still being made durable (see
/// <see cref="RaftNode.TakeEarlyApply"/>): committed entries and confirmed reads. Neither depends
/// on the leader's own disk, so neither waits for its fsync.
/// </summary>
/// <param name="CommittedEntries">Committed entries to apply, in log order, after those of every earlier Ready and take.</param>
/// <param name="ReadStates">Reads confirmed by ReadIndex: serve each once applied reaches its index.</param>
public sealed record EarlyApply(IReadOnlyList<Entry> CommittedEntries, IReadOnlyList<ReadState> ReadStates);
