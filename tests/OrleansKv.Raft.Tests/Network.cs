using OrleansKv.Raft;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// A synchronous in-memory cluster for unit tests: every node persists to a MemoryRaftLog, and
/// messages are delivered in order until the network is quiet. Links can be cut per direction.
/// </summary>
internal sealed class Network
{
    public Dictionary<ulong, RaftNode> Nodes { get; } = [];
    public Dictionary<ulong, MemoryRaftLog> Storage { get; } = [];
    public Dictionary<ulong, List<Entry>> Applied { get; } = [];
    public List<Message> Delivered { get; } = [];
    private readonly HashSet<(ulong From, ulong To)> _cut = [];
    private readonly HashSet<MessageType> _dropTypes = [];
    private readonly Queue<Message> _inFlight = new();

    public Network(params ulong[] ids) : this(Membership.OfVoters(ids), ids) { }

    public Network(Membership membership, IEnumerable<ulong> ids, Func<ulong, RaftOptions>? options = null)
    {
        foreach (var id in ids) Add(id, options?.Invoke(id) ?? Options(id, membership));
    }

    public static RaftOptions Options(ulong id, Membership membership) => new()
    {
        Id = id, InitialMembership = membership, ElectionTicks = 10, HeartbeatTicks = 1, Random = new Random((int)id),
    };

    public RaftNode Add(ulong id, RaftOptions options, MemoryRaftLog? storage = null)
    {
        storage ??= new MemoryRaftLog();
        Storage[id] = storage;
        Applied[id] = [];
        var node = new RaftNode(options, storage);
        Nodes[id] = node;
        return node;
    }

    public void Cut(ulong a, ulong b) { _cut.Add((a, b)); _cut.Add((b, a)); }
    public void CutOneWay(ulong from, ulong to) => _cut.Add((from, to));
    public void Isolate(ulong id) { foreach (var other in Nodes.Keys) if (other != id) Cut(id, other); }
    public void Heal() { _cut.Clear(); _dropTypes.Clear(); }
    public void Drop(MessageType type) => _dropTypes.Add(type);

    /// <summary>Runs every node's Ready loop and delivers messages until nothing moves.</summary>
    public void Settle(int maxRounds = 10_000)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            var progressed = false;
            foreach (var (id, node) in Nodes)
            {
                while (node.HasReady)
                {
                    progressed = true;
                    var ready = node.GetReady();
                    var storage = Storage[id];
                    if (ready.Snapshot is { } snapshot) storage.ApplySnapshot(snapshot);
                    storage.Append(ready.Entries);
                    if (ready.HardState is { } hs) storage.SetHardState(hs);
                    foreach (var m in ready.Messages) _inFlight.Enqueue(m);
                    Applied[id].AddRange(ready.CommittedEntries);
                    node.Advance(ready);
                }
            }
            while (_inFlight.TryDequeue(out var m))
            {
                progressed = true;
                if (_cut.Contains((m.From, m.To)) || _dropTypes.Contains(m.Type) || !Nodes.TryGetValue(m.To, out var to)) continue;
                Delivered.Add(m);
                to.Step(m);
            }
            if (!progressed) return;
        }
        throw new InvalidOperationException("network did not settle");
    }

    public void Tick(ulong id, int times = 1)
    {
        for (var i = 0; i < times; i++) { Nodes[id].Tick(); Settle(); }
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

    public RaftNode? Leader => Nodes.Values.SingleOrDefault(n => n.Role == RaftRole.Leader);
}
