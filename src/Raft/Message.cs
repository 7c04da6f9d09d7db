namespace OrleansKv.Raft;

/// <summary>
/// A message between Raft nodes. One flat shape for every type, as in the Raft papers' RPCs;
/// each type uses the fields its comment in <see cref="MessageType"/> implies.
/// </summary>
public sealed class Message
{
    public MessageType Type { get; init; }
    public ulong From { get; init; }
    public ulong To { get; init; }
    /// <summary>Sender's term; 0 for local messages.</summary>
    public ulong Term { get; init; }
    /// <summary>AppendEntries: term of the entry before <see cref="Entries"/>. Votes: candidate's last log term. Rejections: hint term.</summary>
    public ulong LogTerm { get; init; }
    /// <summary>AppendEntries: index before <see cref="Entries"/>. Votes: candidate's last index. Responses: highest index matched.</summary>
    public ulong Index { get; init; }
    public Entry[] Entries { get; init; } = [];
    /// <summary>Leader's commit index (capped at what the follower is known to hold).</summary>
    public ulong Commit { get; init; }
    public Snapshot? Snapshot { get; init; }
    public bool Reject { get; init; }
    /// <summary>On a rejected AppendEntries: the follower's guess of where the logs may match.</summary>
    public ulong RejectHint { get; init; }
    /// <summary>Read-index request context, or the campaign-transfer marker on votes.</summary>
    public byte[]? Context { get; init; }

    /// <summary>This message carrying <paramref name="snapshot"/> instead (the shell fills in a snapshot's bytes it reads back from storage).</summary>
    public Message WithSnapshot(Snapshot snapshot) => new()
    {
        Type = Type, From = From, To = To, Term = Term, LogTerm = LogTerm, Index = Index, Entries = Entries,
        Commit = Commit, Snapshot = snapshot, Reject = Reject, RejectHint = RejectHint, Context = Context,
    };

    public override string ToString()
    {
        var text = $"{From}->{To} {Type} term={Term}";
        if (LogTerm != 0 || Index != 0) text += $" logTerm={LogTerm} index={Index}";
        if (Entries.Length > 0) text += $" entries=[{string.Join(" ", Entries)}]";
        if (Commit != 0) text += $" commit={Commit}";
        if (Reject) text += $" reject hint={RejectHint}";
        if (Snapshot is not null) text += $" snapshot={Snapshot.Metadata.Term}/{Snapshot.Metadata.Index}";
        return text;
    }
}
