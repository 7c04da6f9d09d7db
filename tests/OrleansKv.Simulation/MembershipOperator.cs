using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>
/// The cluster operator: adds servers (as a learner, then promotes the learner once it has caught up),
/// removes voters (the leader too), keeping between 3 and 5 voters; asks for leadership transfers; and
/// shuts removed servers down a little after their removal commits. It talks to the leader like an
/// admin tool would. Server ids are never reused.
/// </summary>
internal sealed class MembershipOperator
{
    private const int MinVoters = 3;
    private const int MaxVoters = 5;

    private readonly Simulation _sim;
    private readonly HashSet<ulong> _members = [];
    private readonly HashSet<ulong> _everMembers = [];
    private readonly HashSet<ulong> _leaderRemovals = [];
    private Membership _lastCommitted;
    private (ulong Target, ulong FromTerm, long Deadline)? _transfer;

    public MembershipOperator(Simulation sim, Membership bootstrap)
    {
        _sim = sim;
        _lastCommitted = bootstrap;
        foreach (var id in bootstrap.All)
        {
            _members.Add(id);
            _everMembers.Add(id);
        }
    }

    private Random Rng => _sim.Rng;

    public void Start() => _sim.Queue.After(20, Bookkeeping);

    /// <summary>Runs every 20 ms for the whole run: follows committed membership and shuts down removed servers.</summary>
    private void Bookkeeping()
    {
        var committed = _sim.Checker.LatestCommittedMembership.Membership;
        if (!committed.Equals(_lastCommitted))
        {
            CountChange(_lastCommitted, committed);
            _lastCommitted = committed;
        }
        foreach (var node in _sim.NodesInOrder)
        {
            if (committed.Contains(node.Id))
            {
                _members.Add(node.Id);
                _everMembers.Add(node.Id);
            }
            else if (_members.Remove(node.Id))
            {
                // Removal committed: the server is shut down a little later (it may first learn it was removed, or not).
                var victim = node;
                _sim.Queue.After(Rng.Next(300), victim.Decommission);
            }
        }
        if (_transfer is { } transfer)
        {
            var target = _sim.FindNode(transfer.Target);
            if (target?.Raft is { Role: RaftRole.Leader } raft && raft.Term > transfer.FromTerm)
            {
                _sim.Stats.TransfersCompleted++;
                _transfer = null;
            }
            else if (_sim.Queue.Now > transfer.Deadline)
            {
                _transfer = null;
            }
        }
        _sim.Queue.After(20, Bookkeeping);
    }

    private void CountChange(Membership before, Membership after)
    {
        foreach (var id in after.Learners) if (!before.Contains(id)) _sim.Stats.LearnersAdded++;
        foreach (var id in after.Voters) if (before.IsLearner(id)) _sim.Stats.Promotions++;
        foreach (var id in before.Voters)
        {
            if (after.Contains(id)) continue;
            _sim.Stats.VotersRemoved++;
            if (_leaderRemovals.Contains(id)) _sim.Stats.LeadersRemoved++;
        }
        foreach (var id in before.Learners) if (!after.Contains(id)) _sim.Stats.LearnersRemoved++;
        _sim.Trace.Event(TraceKind.Membership, 0, detail: $"committed membership now {after}");
    }

    /// <summary>One step towards a different membership, if the leader is ready for one.</summary>
    public void ChangeMembership()
    {
        var leaderNode = _sim.CurrentLeader();
        if (leaderNode?.Raft is not { } leader) return;
        var committed = leader.MembershipAt(leader.Commit);
        if (!committed.Equals(leader.CurrentMembership)) return; // a change is still in flight
        var voters = committed.Voters.Count;

        MembershipChange change;
        var learner = committed.Learners.Count > 0 ? committed.Learners[Rng.Next(committed.Learners.Count)] : 0UL;
        if (learner != 0)
        {
            var caughtUp = leader.Progress.TryGetValue(learner, out var progress) && progress.Match + 5 >= leader.LastIndex;
            if (voters < MaxVoters && caughtUp) change = MembershipChange.AddVoter(learner);
            else if (voters > MinVoters && Rng.Next(2) == 0) change = RemoveVoter(leader, committed);
            else if (Rng.Next(4) == 0) change = MembershipChange.Remove(learner);
            else return; // let it catch up
        }
        else if (voters <= MinVoters || (voters < MaxVoters && Rng.Next(2) == 0))
        {
            var joining = Joining(leader.CurrentMembership) ?? _sim.AddServer();
            if (joining is null) return;
            change = MembershipChange.AddLearner(joining.Id);
        }
        else
        {
            change = RemoveVoter(leader, committed);
        }

        var result = leader.ProposeMembershipChange(change);
        _sim.Trace.Event(TraceKind.Membership, leader.Id, (ulong)change.Kind, change.NodeId,
            _sim.Trace.Verbose ? $"operator asks leader n{leader.Id} to {change.Kind} n{change.NodeId} (from {committed}): {result}" : null);
        if (!result.IsDropped && change.Kind == MembershipChangeKind.RemoveNode && change.NodeId == leader.Id) _leaderRemovals.Add(leader.Id);
    }

    private MembershipChange RemoveVoter(RaftNode leader, Membership committed)
    {
        // Removing the leader itself is the interesting case: it must commit the change, then step aside.
        if (Rng.Next(3) == 0) return MembershipChange.Remove(leader.Id);
        var others = committed.Voters.Where(v => v != leader.Id).ToList();
        return MembershipChange.Remove(others[Rng.Next(others.Count)]);
    }

    /// <summary>A server started earlier to join but not (yet) in the membership: add it rather than start another.</summary>
    private SimNode? Joining(Membership current) =>
        _sim.NodesInOrder.FirstOrDefault(n => !_everMembers.Contains(n.Id) && !current.Contains(n.Id) && !n.Decommissioned);

    public void TransferLeadership()
    {
        var leaderNode = _sim.CurrentLeader();
        if (leaderNode?.Raft is not { } leader) return;
        var targets = leader.CurrentMembership.Voters.Where(v => v != leader.Id).ToList();
        if (targets.Count == 0) return;
        var target = targets[Rng.Next(targets.Count)];
        // Usually asked of the leader; sometimes of a follower, which forwards the request.
        var followers = _sim.NodesInOrder.Where(n => n.IsUp && n.Id != leader.Id).ToList();
        var via = followers.Count > 0 && Rng.Next(10) < 3 ? followers[Rng.Next(followers.Count)] : leaderNode;
        var result = via.Raft!.TransferLeadership(target);
        _sim.Stats.TransfersRequested++;
        _transfer = (target, leader.Term, _sim.Queue.Now + 4L * _sim.ElectionTicks * _sim.Options.TickMillis);
        _sim.Trace.Event(TraceKind.Transfer, via.Id, target, leader.Term,
            _sim.Trace.Verbose ? $"operator asks n{via.Id} to transfer leadership from n{leader.Id} to n{target}: {result}" : null);
    }
}
