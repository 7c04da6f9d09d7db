namespace OrleansKv.Raft.Quorum;

/// <summary>Majority arithmetic over a set of voters.</summary>
internal static class MajorityQuorum
{
    /// <summary>
    /// The largest index that a majority of voters have acknowledged: sort the acknowledged indexes
    /// descending and take the one at position quorum - 1. An empty voter set commits nothing.
    /// </summary>
    public static ulong CommittedIndex(IReadOnlyList<ulong> voters, Func<ulong, ulong> acked)
    {
        var n = voters.Count;
        if (n == 0) return 0;
        Span<ulong> matched = n <= 16 ? stackalloc ulong[n] : new ulong[n];
        for (var i = 0; i < n; i++) matched[i] = acked(voters[i]);
        matched.Sort();
        // Ascending order: the quorum-th largest sits at n - quorum.
        return matched[n - (n / 2 + 1)];
    }

    public static VoteResult VoteResult(IReadOnlyList<ulong> voters, IReadOnlyDictionary<ulong, bool> votes)
    {
        if (voters.Count == 0) return Raft.VoteResult.Won; // vacuous, mirrors an empty joint half; never used by elections
        int granted = 0, rejected = 0;
        foreach (var id in voters)
        {
            if (!votes.TryGetValue(id, out var vote)) continue;
            if (vote) granted++; else rejected++;
        }
        var quorum = voters.Count / 2 + 1;
        if (granted >= quorum) return Raft.VoteResult.Won;
        if (voters.Count - rejected < quorum) return Raft.VoteResult.Lost;
        return Raft.VoteResult.Pending;
    }
}
