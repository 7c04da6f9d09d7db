using OrleansKv.Raft;

namespace OrleansKv.Replica.Peer;

/// <summary>A change of a replica's role, term or leader, and what caused it (for the host's log).</summary>
public readonly record struct RoleChange(RaftRole OldRole, ulong OldTerm, ulong OldLeader, RaftRole Role, ulong Term, ulong Leader, string Cause);

/// <summary>
/// Notices when a turn changes the replica's role, term or known leader, and says why: the core
/// is deterministic and logs nothing, so an unexpected election is explained here, by the turn
/// that caused it. Also keeps when each peer was last heard from, which is what check-quorum
/// judges a leader by.
/// </summary>
internal sealed class RoleWatch(RaftNode node, IReadOnlyDictionary<ulong, string> names)
{
    private readonly Dictionary<ulong, long> _lastHeard = [];
    private (RaftRole Role, ulong Term, ulong Leader) _before;

    public Action<RoleChange>? Changed { get; set; }

    public void Before() => _before = (node.Role, node.Term, node.Leader);

    public void Heard(IReadOnlyList<Message> messages, long tick)
    {
        // A batch comes from one sender (one call per destination per Ready): usually one write.
        for (var i = 0; i < messages.Count; i++)
            if (i == 0 || messages[i].From != messages[i - 1].From) _lastHeard[messages[i].From] = tick;
    }

    /// <summary>After a tick: an election timeout, or check-quorum deposing the leader.</summary>
    public void AfterTick(long tick)
    {
        if (Unchanged()) return;
        var cause = _before.Role == RaftRole.Leader
            ? $"check-quorum: no quorum heard from within an election timeout (last heard: {LastHeard(tick)})"
            : $"election timeout (last heard: {LastHeard(tick)})";
        Report(cause);
    }

    public void AfterMessages(IReadOnlyList<Message> messages)
    {
        if (Unchanged()) return;
        Report("messages: " + string.Join(", ", messages.Select(m => $"{m.Type} from {Name(m.From)} term {m.Term}{(m.Reject ? " rejected" : "")}").Distinct()));
    }

    private bool Unchanged() => Changed is null || (node.Role, node.Term, node.Leader) == _before;

    private string LastHeard(long tick) =>
        string.Join(", ", node.CurrentMembership.Voters.Where(v => v != node.Id)
            .Select(v => _lastHeard.TryGetValue(v, out var t) ? $"{Name(v)} {tick - t} ticks ago" : $"{Name(v)} never"));

    private string Name(ulong id) => names.TryGetValue(id, out var name) ? name : id.ToString();

    private void Report(string cause) =>
        Changed?.Invoke(new RoleChange(_before.Role, _before.Term, _before.Leader, node.Role, node.Term, node.Leader, cause));
}
