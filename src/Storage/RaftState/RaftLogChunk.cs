using OrleansKv.Raft;

namespace OrleansKv.Storage.RaftState;

/// <summary>
/// One durable write of a replica's log: the entries it appended (consecutive; they replace any
/// stored entries from the first one's index on) and the hard state after it.
/// </summary>
public sealed record RaftLogChunk(ulong Sequence, HardState HardState, IReadOnlyList<Entry> Entries);
