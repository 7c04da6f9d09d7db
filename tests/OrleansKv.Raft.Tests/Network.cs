using OrleansKv.Raft;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// A synchronous in-memory cluster for unit tests: every node persists to a MemoryRaftLog, and
/// messages are delivered in order until the network is quiet. Links can be cut per direction,
/// message types dropped, and chosen messages held back and released later (to keep several
/// AppendEntries in flight, or to delay a quorum's acks).
/// </summary>
internal sealed class Network
{
    public Dictionary<ulong, RaftNode> Nodes { get; } = [];
    public Dictionary<ulong, MemoryRaftLog> Storage { get; } = [];
    public Dictionary<ulong, RaftOptions> NodeOptions { get; } = [];
    /// <summary>Committed entries each node handed out for applying (since its last restart).</summary>
    public Dictionary<ulong, List<Entry>> Applied { get; } = [];
    public Dictionary<ulong, List<ReadState>> ReadStates { get; } = [];
    public Dictionary<ulong, List<byte[]>> DroppedReads { get; } = [];
    /// <summary>Every message that reached its destination, in delivery order.</summary>
    public List<Message> Delivered { get; } = [];
    /// <summary>Messages parked by <see cref="Hold"/>; <see cref="Release"/> puts them back in flight.</summary>
    public List<Message> Held { get; } = [];
    /// <summary>Optional observer of deliveries and drops (transcript tests).</summary>
    public Action<string, Message>? Trace { get; set; }

    private readonly HashSet<(ulong From, ulong To)> _cut = [];
    private readonly HashSet<MessageType> _dropTypes = [];
    private readonly List<Func<Message, bool>> _dropIf = [];
    private readonly List<Func<Message, bool>> _holdIf = [];
    private readonly Queue<Message> _inFlight = new();
    private readonly HashSet<Message> _released = new(ReferenceEqualityComparer.Instance);

    public Network(params ulong[] ids) : this(Membership.OfVoters(ids), ids) { }

    public Network(Membership membership, IEnumerable<ulong> ids, Func<ulong, RaftOptions>? options = null)
    {
        foreach (var id in ids) Add(id, options?.Invoke(id) ?? Options(id, membership));
    }

    /// <summary>A cluster of <paramref name="ids"/> (all voters) with options adjusted per test.</summary>
    public static Network Create(ulong[] ids, int electionTicks = 10, int heartbeatTicks = 1, bool preVote = true,
        bool checkQuorum = true, int maxInflight = 256, long maxBytesPerMessage = 1 << 20, bool disableForwarding = false)
    {
        var membership = Membership.OfVoters(ids);
        return new Network(membership, ids, id => Options(id, membership, electionTicks, heartbeatTicks, preVote,
            checkQuorum, maxInflight, maxBytesPerMessage, disableForwarding));
    }

    public static RaftOptions Options(ulong id, Membership membership, int electionTicks = 10, int heartbeatTicks = 1,
        bool preVote = true, bool checkQuorum = true, int maxInflight = 256, long maxBytesPerMessage = 1 << 20,
        bool disableForwarding = false, ulong applied = 0) => new()
    {
        Id = id, InitialMembership = membership, ElectionTicks = electionTicks, HeartbeatTicks = heartbeatTicks,
        PreVote = preVote, CheckQuorum = checkQuorum, MaxInflightMessages = maxInflight,
        MaxBytesPerMessage = maxBytesPerMessage, DisableProposalForwarding = disableForwarding,
        Applied = applied, Random = new Random((int)id),
    };

    public RaftNode Add(ulong id, RaftOptions options, MemoryRaftLog? storage = null)
    {
        storage ??= new MemoryRaftLog();
        Storage[id] = storage;
        NodeOptions[id] = options;
        Applied[id] = [];
        ReadStates[id] = [];
        DroppedReads[id] = [];
        var node = new RaftNode(options, storage);
        Nodes[id] = node;
        return node;
    }

    /// <summary>Throws the node away and rebuilds it from what it persisted (everything is synced here).</summary>
    public RaftNode Restart(ulong id, RaftOptions? options = null) => Add(id, options ?? NodeOptions[id], Storage[id]);

    public void Cut(ulong a, ulong b) { _cut.Add((a, b)); _cut.Add((b, a)); }
    public void CutOneWay(ulong from, ulong to) => _cut.Add((from, to));
    public void Isolate(ulong id) { foreach (var other in Nodes.Keys) if (other != id) Cut(id, other); }
    public void Heal() { _cut.Clear(); _dropTypes.Clear(); _dropIf.Clear(); }
    public void Drop(MessageType type) => _dropTypes.Add(type);
    public void DropIf(Func<Message, bool> predicate) => _dropIf.Add(predicate);

    /// <summary>From now on, park messages matching <paramref name="predicate"/> instead of delivering them.</summary>
    public void Hold(Func<Message, bool> predicate) => _holdIf.Add(predicate);

    /// <summary>Stops holding new messages (those already held stay held until released).</summary>
    public void StopHolding() => _holdIf.Clear();

    /// <summary>
    /// Puts the held messages matching <paramref name="which"/> (all by default) back in flight, in the
    /// order they were held. They are delivered at the next <see cref="Settle"/> even if a hold still matches them.
    /// </summary>
    public int Release(Func<Message, bool>? which = null)
    {
        var released = Held.Where(m => which?.Invoke(m) ?? true).ToList();
        foreach (var m in released)
        {
            Held.Remove(m);
            _released.Add(m);
            _inFlight.Enqueue(m);
        }
        return released.Count;
    }

    /// <summary>Releases only the oldest held message matching <paramref name="which"/>.</summary>
    public bool ReleaseFirst(Func<Message, bool> which)
    {
        var first = Held.FirstOrDefault(which);
        if (first is null) return false;
        Held.Remove(first);
        _released.Add(first);
        _inFlight.Enqueue(first);
        return true;
    }

    /// <summary>Persists one Ready the way a shell must: snapshot, entries, hard state; records what it applies.</summary>
    public void Persist(ulong id, Ready ready)
    {
        var storage = Storage[id];
        if (ready.Snapshot is { } snapshot) storage.ApplySnapshot(snapshot);
        storage.Append(ready.Entries);
        if (ready.HardState is { } hs) storage.SetHardState(hs);
        Applied[id].AddRange(ready.CommittedEntries);
        ReadStates[id].AddRange(ready.ReadStates);
        DroppedReads[id].AddRange(ready.DroppedReads);
    }

    /// <summary>Runs one node's Ready loop (persist, queue messages, advance) without delivering anything.</summary>
    public bool Flush(ulong id)
    {
        var node = Nodes[id];
        var any = false;
        while (node.HasReady)
        {
            any = true;
            var ready = node.GetReady();
            Persist(id, ready);
            foreach (var m in ready.Messages) _inFlight.Enqueue(m);
            node.Advance(ready);
        }
        return any;
    }

    /// <summary>Runs one node's Ready loop and hands its messages to the caller instead of sending them.</summary>
    public List<Message> Drain(ulong id)
    {
        var node = Nodes[id];
        var messages = new List<Message>();
        while (node.HasReady)
        {
            var ready = node.GetReady();
            Persist(id, ready);
            messages.AddRange(ready.Messages);
            node.Advance(ready);
        }
        return messages;
    }

    /// <summary>Runs every node's Ready loop and delivers messages until nothing moves.</summary>
    public void Settle(int maxRounds = 10_000)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            var progressed = false;
            foreach (var id in Nodes.Keys.ToList()) progressed |= Flush(id);
            while (_inFlight.TryDequeue(out var m))
            {
                progressed = true;
                Deliver(m);
            }
            if (!progressed) return;
        }
        throw new InvalidOperationException("network did not settle");
    }

    private void Deliver(Message m)
    {
        var released = _released.Remove(m);
        if (_cut.Contains((m.From, m.To)) || _dropTypes.Contains(m.Type) || _dropIf.Any(p => p(m)) || !Nodes.TryGetValue(m.To, out var to))
        {
            Trace?.Invoke("drop", m);
            return;
        }
        if (!released && _holdIf.Any(p => p(m)))
        {
            Trace?.Invoke("hold", m);
            Held.Add(m);
            return;
        }
        Trace?.Invoke("deliver", m);
        Delivered.Add(m);
        to.Step(m);
    }

    public void Tick(ulong id, int times = 1)
    {
        for (var i = 0; i < times; i++) { Nodes[id].Tick(); Settle(); }
    }

    /// <summary>Ticks only the given nodes, <paramref name="times"/> rounds, settling after each round.</summary>
    public void TickOnly(int times, params ulong[] ids)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var id in ids) Nodes[id].Tick();
            Settle();
        }
    }

    public void TickAll(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var node in Nodes.Values) node.Tick();
            Settle();
        }
    }

    /// <summary>Makes <paramref name="id"/> campaign and settles.</summary>
    public void Elect(ulong id)
    {
        Nodes[id].Campaign();
        Settle();
    }

    /// <summary>Proposes one command on <paramref name="id"/> and settles.</summary>
    public ProposalResult Propose(ulong id, string data)
    {
        var result = Nodes[id].Propose(System.Text.Encoding.UTF8.GetBytes(data));
        Settle();
        return result;
    }

    /// <summary>The one node that thinks it leads (throws if a stale leader still thinks so too).</summary>
    public RaftNode? Leader => Nodes.Values.SingleOrDefault(n => n.Role == RaftRole.Leader);

    /// <summary>The leader among <paramref name="ids"/> (e.g. the majority side of a partition).</summary>
    public RaftNode? LeaderAmong(params ulong[] ids) => ids.Select(id => Nodes[id]).SingleOrDefault(n => n.Role == RaftRole.Leader);

    /// <summary>Messages delivered since <paramref name="mark"/> (a previous Delivered.Count).</summary>
    public IEnumerable<Message> DeliveredSince(int mark) => Delivered.Skip(mark);

    /// <summary>The commands a node applied, as strings (no-op entries and membership entries skipped).</summary>
    public List<string> AppliedCommands(ulong id) =>
        Applied[id].Where(e => e.Type == EntryType.Normal && e.Data.Length > 0)
            .Select(e => System.Text.Encoding.UTF8.GetString(e.Data)).ToList();
}
