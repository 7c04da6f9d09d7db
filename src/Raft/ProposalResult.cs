namespace OrleansKv.Raft;

/// <summary>Why the core refused a proposal, read or transfer. A refusal is always reported, never silent.</summary>
public enum DropReason
{
    None = 0,
    /// <summary>No leader is known (election under way, or this node is cut off).</summary>
    NoLeader,
    /// <summary>A leadership transfer is under way; retry once it finishes.</summary>
    TransferInProgress,
    /// <summary>This node is not the leader and proposal forwarding is disabled.</summary>
    NotLeader,
    /// <summary>A membership change is still uncommitted; only one may be in flight.</summary>
    MembershipChangePending,
    /// <summary>The new leader has not yet committed an entry of its own term (required before a membership change or a read index).</summary>
    LeaderNotReady,
    /// <summary>The membership change itself is invalid (see the message).</summary>
    InvalidMembershipChange,
    /// <summary>This node was removed from the cluster.</summary>
    NotMember,
    /// <summary>The leadership transfer target is not a voter.</summary>
    InvalidTransferTarget,
}

public enum ProposalStatus
{
    /// <summary>Appended to the leader's log at [FirstIndex, LastIndex] in Term; commits unless leadership is lost first.</summary>
    Appended,
    /// <summary>Sent to the leader; the follower cannot know the index.</summary>
    Forwarded,
    /// <summary>A read or transfer the leader took on; its outcome comes in a later Ready.</summary>
    Accepted,
    /// <summary>Refused; see <see cref="ProposalResult.Reason"/>.</summary>
    Dropped,
}

/// <summary>The immediate outcome of a proposal, read request or transfer request.</summary>
public readonly record struct ProposalResult(ProposalStatus Status, DropReason Reason, ulong Term, ulong FirstIndex, ulong LastIndex, ulong Leader, string? Detail = null)
{
    public bool IsDropped => Status == ProposalStatus.Dropped;

    internal static ProposalResult Appended(ulong term, ulong first, ulong last, ulong leader) => new(ProposalStatus.Appended, DropReason.None, term, first, last, leader);
    internal static ProposalResult Accepted(ulong term, ulong leader) => new(ProposalStatus.Accepted, DropReason.None, term, 0, 0, leader);
    internal static ProposalResult Forwarded(ulong leader) => new(ProposalStatus.Forwarded, DropReason.None, 0, 0, 0, leader);
    internal static ProposalResult Dropped(DropReason reason, ulong leader, string? detail = null) => new(ProposalStatus.Dropped, reason, 0, 0, 0, leader, detail);

    public override string ToString() => Status switch
    {
        ProposalStatus.Appended => $"appended {FirstIndex}..{LastIndex} in term {Term}",
        ProposalStatus.Forwarded => $"forwarded to {Leader}",
        ProposalStatus.Accepted => $"accepted by leader {Leader} in term {Term}",
        _ => $"dropped: {Reason}" + (Detail is null ? "" : $" ({Detail})"),
    };
}
