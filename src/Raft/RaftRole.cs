namespace OrleansKv.Raft;

public enum RaftRole
{
    Follower,
    /// <summary>Asking for pre-votes: has not bumped its term yet.</summary>
    PreCandidate,
    Candidate,
    Leader,
}
