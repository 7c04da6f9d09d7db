using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>
/// Raft's safety properties, checked incrementally as the simulation runs (so every step is checked
/// without rescanning logs). Each method records one observation and throws
/// <see cref="InvariantViolation"/> if it contradicts an earlier one.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Election safety: at most one leader per term over the whole run.</item>
/// <item>One vote per term: a voter never grants two candidates in the same term, even across crashes (durability).</item>
/// <item>Log matching: an (index, term) pair identifies one entry and one previous term wherever it is stored or sent.</item>
/// <item>Leader completeness: a leader of term T holds every entry committed in an earlier term.</item>
/// <item>State machine safety: one entry per applied index; equal state digests at equal applied indexes.</item>
/// <item>Commit monotonicity: a committed index keeps its entry forever; durable term and commit never go back.</item>
/// </list>
/// </remarks>
public sealed class InvariantChecker
{
    /// <summary>What identifies an entry's content.</summary>
    public readonly record struct EntryPrint(ulong Term, EntryType Type, ulong DataHash)
    {
        public static EntryPrint Of(Entry entry) => new(entry.Term, entry.Type, Fnv.Of(entry.Data));
        public override string ToString() => $"term {Term} {Type} #{Fnv.Hex(DataHash)[..8]}";
    }

    private readonly record struct Committed(EntryPrint Print, ulong CommitTerm, ulong Observer);

    private readonly record struct LeaderAudit(int Incarnation, ulong Term, ulong VerifiedThrough);

    private readonly Func<long> _clock;
    private readonly Dictionary<ulong, ulong> _leaderByTerm = [];
    private readonly Dictionary<(ulong Voter, ulong Term), ulong> _votes = [];
    private readonly Dictionary<(ulong Index, ulong Term), (EntryPrint Print, ulong PrevTerm, ulong Node)> _logEntries = [];
    private readonly Dictionary<ulong, Committed> _committed = [];
    private readonly Dictionary<ulong, (EntryPrint Print, ulong Node)> _applied = [];
    private readonly Dictionary<ulong, (ulong Digest, ulong Node)> _machineDigests = [];
    private readonly Dictionary<ulong, HardState> _durable = [];
    private readonly Dictionary<ulong, LeaderAudit> _audits = [];

    public InvariantChecker(Func<long>? clock = null) => _clock = clock ?? (() => 0);

    /// <summary>Highest index ever seen committed on any node.</summary>
    public ulong MaxCommitted { get; private set; }

    /// <summary>Highest index any replica has applied.</summary>
    public ulong MaxApplied { get; private set; }

    /// <summary>The newest committed membership entry (index 0: the bootstrap membership).</summary>
    public (ulong Index, Membership Membership) LatestCommittedMembership { get; private set; }

    public int LeaderTerms => _leaderByTerm.Count;

    public void SetBootstrapMembership(Membership membership) => LatestCommittedMembership = (0, membership);

    private InvariantViolation Fail(string invariant, string detail) => new($"[t={_clock()}] {invariant}: {detail}");

    /// <summary>Election safety. Returns true the first time a leader is seen for <paramref name="term"/>.</summary>
    public bool RecordLeader(ulong node, ulong term)
    {
        if (_leaderByTerm.TryGetValue(term, out var existing))
        {
            if (existing != node) throw Fail("election safety", $"term {term} has two leaders: {existing} and {node}");
            return false;
        }
        _leaderByTerm[term] = node;
        return true;
    }

    /// <summary>A granted RequestVote as it left the voter (after its persist).</summary>
    public void RecordVoteGranted(ulong voter, ulong term, ulong candidate)
    {
        if (_votes.TryGetValue((voter, term), out var earlier))
        {
            if (earlier != candidate) throw Fail("one vote per term", $"node {voter} voted for {earlier} and for {candidate} in term {term}");
            return;
        }
        _votes[(voter, term)] = candidate;
    }

    /// <summary>Durable state only moves forward: term, the vote within a term, and commit.</summary>
    public void RecordDurableHardState(ulong node, HardState state)
    {
        if (_durable.TryGetValue(node, out var last))
        {
            if (state.Term < last.Term) throw Fail("durable term", $"node {node} persisted term {state.Term} after {last.Term}");
            if (state.Term == last.Term && last.Vote != 0 && state.Vote != last.Vote)
                throw Fail("durable vote", $"node {node} persisted vote {state.Vote} after {last.Vote} in term {state.Term}");
            if (state.Commit < last.Commit) throw Fail("commit never moves back", $"node {node} persisted commit {state.Commit} after {last.Commit}");
        }
        _durable[node] = state;
    }

    /// <summary>Log matching: the entry at (index, term) is the same everywhere, and so is the term before it.</summary>
    public void RecordLogEntry(ulong node, Entry entry, ulong prevTerm, string where)
    {
        var print = EntryPrint.Of(entry);
        if (_logEntries.TryGetValue((entry.Index, entry.Term), out var known))
        {
            if (known.Print != print)
                throw Fail("log matching", $"{where}: node {node} holds {print} at {entry.Index}, node {known.Node} holds {known.Print}");
            if (known.PrevTerm != prevTerm)
                throw Fail("log matching", $"{where}: entry {entry.Term}/{entry.Index} follows term {prevTerm} on node {node} but term {known.PrevTerm} on node {known.Node}");
            return;
        }
        _logEntries[(entry.Index, entry.Term)] = (print, prevTerm, node);
    }

    /// <summary>Entries just written to a node's disk, checked against everything seen so far.</summary>
    public void RecordStoredEntries(ulong node, MemoryRaftLog storage, IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Index < storage.FirstIndex) continue; // arrived below a newer snapshot: not stored
            if (!storage.TryGetTerm(entry.Index - 1, out var prevTerm))
                throw Fail("log matching", $"node {node} stored entry {entry.Index} without its predecessor");
            RecordLogEntry(node, entry, prevTerm, "stored");
        }
    }

    /// <summary>Entries in an AppendEntries as it leaves the leader.</summary>
    public void RecordAppendMessage(Message m)
    {
        var prevTerm = m.LogTerm;
        var expected = m.Index + 1;
        foreach (var entry in m.Entries)
        {
            if (entry.Index != expected) throw Fail("log matching", $"{m.From} sent non-contiguous entries at {entry.Index} (expected {expected})");
            RecordLogEntry(m.From, entry, prevTerm, "sent");
            prevTerm = entry.Term;
            expected++;
        }
    }

    /// <summary>
    /// Entries a node now counts as committed (its commit index passed them), seen while its term was
    /// <paramref name="observerTerm"/>. A committed index keeps one entry forever.
    /// </summary>
    public void RecordCommitted(ulong node, ulong observerTerm, IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            var print = EntryPrint.Of(entry);
            if (_committed.TryGetValue(entry.Index, out var known))
            {
                if (known.Print != print)
                    throw Fail("commit never moves back", $"index {entry.Index} committed as {known.Print} on node {known.Observer} but as {print} on node {node}");
                continue;
            }
            if (_applied.TryGetValue(entry.Index, out var applied) && applied.Print != print)
                throw Fail("state machine safety", $"index {entry.Index} committed as {print} on node {node} but applied as {applied.Print} on node {applied.Node}");
            _committed[entry.Index] = new Committed(print, observerTerm, node);
            if (entry.Index > MaxCommitted) MaxCommitted = entry.Index;
            if (entry.Type == EntryType.Membership && entry.Index > LatestCommittedMembership.Index)
                LatestCommittedMembership = (entry.Index, Membership.Decode(entry.Data));
        }
    }

    /// <summary>A node's commit index reached <paramref name="index"/> without the entry being readable (snapshot).</summary>
    public void RecordCommitIndex(ulong index)
    {
        if (index > MaxCommitted) MaxCommitted = index;
    }

    /// <summary>State machine safety: no two replicas apply different entries at one index.</summary>
    public void RecordApplied(ulong node, Entry entry)
    {
        var print = EntryPrint.Of(entry);
        if (_applied.TryGetValue(entry.Index, out var known))
        {
            if (known.Print != print)
                throw Fail("state machine safety", $"node {node} applied {print} at {entry.Index}, node {known.Node} applied {known.Print}");
        }
        else
        {
            if (_committed.TryGetValue(entry.Index, out var committed) && committed.Print != print)
                throw Fail("state machine safety", $"node {node} applied {print} at {entry.Index}, but {committed.Print} was committed there");
            _applied[entry.Index] = (print, node);
        }
        if (entry.Index > MaxApplied) MaxApplied = entry.Index;
    }

    /// <summary>Replicas at the same applied index hold the same state (data and sessions).</summary>
    public void RecordMachineState(ulong node, ulong index, ulong digest)
    {
        if (_machineDigests.TryGetValue(index, out var known))
        {
            if (known.Digest != digest)
                throw Fail("state machine safety", $"node {node} state at {index} is {Fnv.Hex(digest)}, node {known.Node} had {Fnv.Hex(known.Digest)}");
            return;
        }
        _machineDigests[index] = (digest, node);
    }

    /// <summary>A snapshot point (taken or installed) must be a committed entry.</summary>
    public void RecordSnapshotPoint(ulong node, ulong index, ulong term)
    {
        if (index == 0) return;
        if (_committed.TryGetValue(index, out var committed) && committed.Print.Term != term)
            throw Fail("snapshot safety", $"node {node} holds a snapshot at {term}/{index} but term {committed.Print.Term} was committed there");
        if (index > MaxCommitted) throw Fail("snapshot safety", $"node {node} holds a snapshot at {index} beyond anything committed ({MaxCommitted})");
    }

    /// <summary>
    /// Leader completeness, incrementally: since <paramref name="raft"/> became leader, every entry
    /// committed in an earlier term is in its log (or under its snapshot).
    /// </summary>
    public void AuditLeader(ulong node, int incarnation, RaftNode raft)
    {
        var term = raft.Term;
        if (!_audits.TryGetValue(node, out var audit) || audit.Incarnation != incarnation || audit.Term != term)
            audit = new LeaderAudit(incarnation, term, 0);
        var hi = MaxCommitted;
        if (hi <= audit.VerifiedThrough) return;
        var lo = audit.VerifiedThrough + 1;
        var snapshotPoint = raft.FirstIndex - 1;
        if (snapshotPoint >= lo && snapshotPoint <= hi && Required(snapshotPoint, term, out var atPoint))
        {
            if (!raft.TryGetTerm(snapshotPoint, out var pointTerm) || pointTerm != atPoint.Print.Term)
                throw Fail("leader completeness", $"leader {node} (term {term}) has term {pointTerm} at its snapshot point {snapshotPoint}, committed {atPoint.Print}");
        }
        var from = Math.Max(lo, raft.FirstIndex);
        var last = raft.LastIndex;
        IReadOnlyList<Entry> entries = from <= Math.Min(hi, last) ? raft.GetEntries(from, Math.Min(hi, last) + 1) : [];
        for (var index = from; index <= hi; index++)
        {
            if (!Required(index, term, out var committed)) continue;
            if (index > last)
                throw Fail("leader completeness", $"leader {node} (term {term}) ends at {last} but {index} was committed in term {committed.CommitTerm}");
            var held = EntryPrint.Of(entries[(int)(index - from)]);
            if (held != committed.Print)
                throw Fail("leader completeness", $"leader {node} (term {term}) holds {held} at {index}, committed {committed.Print} in term {committed.CommitTerm}");
        }
        _audits[node] = audit with { VerifiedThrough = hi };
    }

    private bool Required(ulong index, ulong leaderTerm, out Committed committed) =>
        _committed.TryGetValue(index, out committed) && committed.CommitTerm < leaderTerm;

    /// <summary>The entry committed at <paramref name="index"/>, if one was seen.</summary>
    public bool TryGetCommitted(ulong index, out EntryPrint print)
    {
        var found = _committed.TryGetValue(index, out var committed);
        print = committed.Print;
        return found;
    }

    /// <summary>The entry applied at <paramref name="index"/>, if any replica applied one.</summary>
    public bool TryGetApplied(ulong index, out EntryPrint print)
    {
        var found = _applied.TryGetValue(index, out var applied);
        print = applied.Print;
        return found;
    }

    /// <summary>Log matching over whole stored logs (run at the end): logs that share an (index, term) are identical up to it.</summary>
    public static void CheckLogsMatch(IReadOnlyList<(ulong Node, MemoryRaftLog Log)> logs)
    {
        for (var i = 0; i < logs.Count; i++)
        for (var j = i + 1; j < logs.Count; j++)
        {
            var (a, logA) = logs[i];
            var (b, logB) = logs[j];
            var lo = Math.Max(logA.FirstIndex, logB.FirstIndex);
            var hi = Math.Min(logA.LastIndex, logB.LastIndex);
            if (hi < lo) continue;
            var entriesA = new List<Entry>();
            var entriesB = new List<Entry>();
            logA.GetEntries(lo, hi + 1, long.MaxValue, entriesA);
            logB.GetEntries(lo, hi + 1, long.MaxValue, entriesB);
            var matched = false;
            for (var k = entriesA.Count - 1; k >= 0; k--)
            {
                if (!matched && entriesA[k].Term != entriesB[k].Term) continue;
                matched = true;
                if (EntryPrint.Of(entriesA[k]) != EntryPrint.Of(entriesB[k]))
                    throw new InvariantViolation($"log matching: nodes {a} and {b} share a later (index, term) but differ at {entriesA[k].Index}: {EntryPrint.Of(entriesA[k])} vs {EntryPrint.Of(entriesB[k])}");
            }
        }
    }
}
