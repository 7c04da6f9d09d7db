using OrleansKv.Raft;

namespace OrleansKv.Replica.Peer;

/// <summary>
/// Whom a leader that shuts down hands leadership to: the voter whose log is most up to date, so
/// the transfer completes after the shortest catch-up and no entry waits long for a new leader.
/// </summary>
internal static class LeadershipHandOff
{
    /// <summary>The voter other than <paramref name="leader"/> itself with the highest match index; 0 if there is none.</summary>
    public static ulong MostUpToDateVoter(RaftNode leader)
    {
        ulong best = 0, bestMatch = 0;
        foreach (var (peer, progress) in leader.Progress)
        {
            if (peer == leader.Id || progress.IsLearner || !leader.CurrentMembership.IsVoter(peer)) continue;
            if (best == 0 || progress.Match > bestMatch) { best = peer; bestMatch = progress.Match; }
        }
        return best;
    }
}
