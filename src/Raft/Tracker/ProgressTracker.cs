namespace OrleansKv.Raft.Tracker;

/// <summary>
/// The leader's bookkeeping for the current membership: a <see cref="Progress"/> per member and,
/// during an election, the votes received.
/// </summary>
internal sealed class ProgressTracker
{
    private readonly int _maxInflight;
    private readonly Dictionary<ulong, Progress> _progress = [];
    private readonly Dictionary<ulong, bool> _votes = [];

    public ProgressTracker(int maxInflight) => _maxInflight = maxInflight;

    public Membership Membership { get; private set; } = Membership.Empty;

    public IReadOnlyDictionary<ulong, Progress> Progress => _progress;

    public Progress? this[ulong id] => _progress.GetValueOrDefault(id);

    /// <summary>
    /// Switches to a new membership, keeping the progress of members that stay and starting new
    /// members in Probe at <paramref name="nextIndex"/>.
    /// </summary>
    public void SetMembership(Membership membership, ulong nextIndex)
    {
        Membership = membership;
        foreach (var id in _progress.Keys.ToArray())
            if (!membership.Contains(id)) _progress.Remove(id);
        foreach (var id in membership.All)
        {
            if (_progress.TryGetValue(id, out var existing))
            {
                existing.IsLearner = membership.IsLearner(id);
                continue;
            }
            // A new member is presumed active so check-quorum does not depose the leader before it answers.
            _progress[id] = new Progress(nextIndex, _maxInflight, membership.IsLearner(id)) { RecentActive = true };
        }
    }

    /// <summary>Resets every member's progress, as a new leader must.</summary>
    public void ResetAll(ulong nextIndex)
    {
        foreach (var id in _progress.Keys.ToArray())
            _progress[id] = new Progress(nextIndex, _maxInflight, Membership.IsLearner(id));
    }

    /// <summary>The highest index replicated on a majority of voters.</summary>
    public ulong CommittedIndex() => Quorum.MajorityQuorum.CommittedIndex(Membership.Voters, id => _progress.TryGetValue(id, out var p) ? p.Match : 0);

    /// <summary>Check-quorum: has a majority of voters (counting this node) been heard from since the last check?</summary>
    public bool QuorumActive(ulong self)
    {
        var active = 0;
        foreach (var id in Membership.Voters)
            if (id == self || (_progress.TryGetValue(id, out var p) && p.RecentActive)) active++;
        return active >= Membership.Quorum;
    }

    public void ResetRecentActive(ulong self)
    {
        foreach (var (id, p) in _progress) p.RecentActive = id == self;
    }

    public void ResetVotes() => _votes.Clear();

    /// <summary>Records a vote (the first answer from each voter counts) and tallies the election.</summary>
    public VoteResult RecordVote(ulong id, bool granted)
    {
        _votes.TryAdd(id, granted);
        return Quorum.MajorityQuorum.VoteResult(Membership.Voters, _votes);
    }

    public bool IsSingleton(ulong self) => Membership.Voters.Count == 1 && Membership.Voters[0] == self;
}
