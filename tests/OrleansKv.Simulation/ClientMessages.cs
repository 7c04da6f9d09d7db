using OrleansKv.Linearizability;

namespace OrleansKv.Simulation;

/// <summary>How a Get is served: through a ReadIndex round (no log entry) or as a command in the log.</summary>
public enum ReadPath : byte
{
    ReadIndex,
    Log,
}

/// <summary>A client's request to one node. Retries resend the same command with a higher attempt number.</summary>
public sealed record ClientRequest(int ClientId, ulong Sequence, int Attempt, KvCommand Command, ReadPath Path, byte[] Encoded);

/// <summary>
/// A node's answer: the outcome (with the log index that produced it, 0 for ReadIndex reads), or a
/// refusal with a leader hint (not leader, no leader, read abandoned).
/// </summary>
public sealed record ClientReply(int ClientId, ulong Sequence, int Attempt, ulong From, KvOutput Output, ulong Index, bool Refused, ulong LeaderHint);
