namespace OrleansKv.Raft;

/// <summary>What a log entry carries: an application command, or a new cluster membership.</summary>
public enum EntryType : byte
{
    /// <summary>An opaque command for the replicated state machine (may be empty: a leader's no-op).</summary>
    Normal = 0,

    /// <summary>The complete membership that takes effect as soon as the entry is in a node's log.</summary>
    Membership = 1,
}

/// <summary>One slot of the replicated log.</summary>
/// <param name="Index">Position in the log, starting at 1.</param>
/// <param name="Term">The leader term that created the entry.</param>
/// <param name="Type">Command or membership.</param>
/// <param name="Data">The payload; never null (use an empty array).</param>
public readonly record struct Entry(ulong Index, ulong Term, EntryType Type, byte[] Data)
{
    /// <summary>Bytes this entry counts for when batching entries into messages and Ready batches.</summary>
    public long Size => Data.Length + 24;

    public override string ToString() => $"{Term}/{Index}{(Type == EntryType.Membership ? " membership" : "")} ({Data.Length}B)";
}
