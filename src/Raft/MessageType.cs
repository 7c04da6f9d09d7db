namespace OrleansKv.Raft;

public enum MessageType : byte
{
    // Local messages: never cross the network.
    /// <summary>Start an election (sent to self when the election timer fires).</summary>
    Hup,
    /// <summary>Leader: time to heartbeat.</summary>
    Beat,
    /// <summary>Leader: time to verify a quorum has been heard from.</summary>
    CheckQuorum,
    /// <summary>Shell reports a peer could not be reached.</summary>
    Unreachable,
    /// <summary>Shell reports whether sending a snapshot succeeded.</summary>
    SnapshotStatus,

    // Network messages.
    /// <summary>Proposals forwarded from a follower to the leader.</summary>
    Propose,
    AppendEntries,
    AppendEntriesResponse,
    RequestVote,
    RequestVoteResponse,
    RequestPreVote,
    RequestPreVoteResponse,
    InstallSnapshot,
    Heartbeat,
    HeartbeatResponse,
    /// <summary>Leadership transfer request, forwarded to the leader.</summary>
    TransferLeader,
    /// <summary>Leader tells the transfer target to campaign at once.</summary>
    TimeoutNow,
    ReadIndex,
    ReadIndexResponse,
}
