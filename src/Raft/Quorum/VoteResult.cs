namespace OrleansKv.Raft;

public enum VoteResult
{
    /// <summary>Neither a majority for nor a majority against yet.</summary>
    Pending,
    Lost,
    Won,
}
