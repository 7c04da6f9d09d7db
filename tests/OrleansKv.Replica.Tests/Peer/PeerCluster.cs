using OrleansKv.Contracts;
using OrleansKv.Replica.Hosting;
using OrleansKv.Raft;

namespace OrleansKv.Replica.Tests.Peer;

/// <summary>
/// Three peer grains of one group wired by in-memory queues: a manual mailbox per grain, a
/// network that can cut nodes off, stores whose fsyncs complete when the harness pumps.
/// Single-threaded and deterministic.
/// </summary>
internal sealed class PeerCluster : IRaftTransport
{
    public const uint Group = 7;

    private sealed class Mailbox(PeerCluster cluster) : IPeerHost
    {
        public readonly Queue<Action> Work = new();
        public void Post(Action work) => Work.Enqueue(work);
        public void Offload<T>(Func<T> work, Action<T> then) { var result = work(); Work.Enqueue(() => then(result)); }
        public long UtcNowMilliseconds => cluster.NowMilliseconds;
    }

    private readonly Dictionary<ulong, Mailbox> _mailboxes = [];
    private readonly Queue<Message> _network = new();
    private readonly HashSet<ulong> _isolated = [];
    private readonly PeerOptions _template;

    public PeerCluster(int nodes = 3, Func<PeerOptions, PeerOptions>? configure = null)
    {
        var voters = Enumerable.Range(1, nodes).Select(i => (ulong)i).ToArray();
        _template = new PeerOptions { GroupId = Group, ReplicaId = 0, InitialVoters = voters, RequestTimeoutTicks = 20 };
        if (configure is not null) _template = configure(_template);
        foreach (var id in voters)
        {
            Stores[id] = new TestGroupStore(Group);
            Activate(id);
        }
    }

    public Dictionary<ulong, RaftPeer> Grains { get; } = [];
    public Dictionary<ulong, TestGroupStore> Stores { get; } = [];
    public long NowMilliseconds { get; set; } = 1_700_000_000_000;

    public void Send(uint group, IReadOnlyList<Message> messages)
    {
        Assert.Equal(Group, group);
        foreach (var message in messages)
            if (!_isolated.Contains(message.From) && !_isolated.Contains(message.To)) _network.Enqueue(message);
    }

    /// <summary>Starts (or restarts, from its store) the grain of silo <paramref name="id"/>.</summary>
    public RaftPeer Activate(ulong id)
    {
        var mailbox = new Mailbox(this);
        _mailboxes[id] = mailbox;
        var grain = new RaftPeer(_template with { ReplicaId = id }, Stores[id], this, mailbox, new Random((int)id));
        Grains[id] = grain;
        return grain;
    }

    public void Isolate(ulong id) => _isolated.Add(id);
    public void Heal() => _isolated.Clear();

    /// <summary>Delivers messages, completes fsyncs and runs posted turns until nothing is left.</summary>
    public void Pump()
    {
        for (var round = 0; round < 10_000; round++)
        {
            var progressed = false;
            foreach (var store in Stores.Values) progressed |= store.CompleteFsyncs();
            foreach (var mailbox in _mailboxes.Values)
                while (mailbox.Work.TryDequeue(out var work)) { work(); progressed = true; }
            while (_network.TryDequeue(out var message))
            {
                progressed = true;
                if (Grains.TryGetValue(message.To, out var target)) target.OnRaftMessages([message]);
            }
            if (!progressed) return;
        }
        throw new InvalidOperationException("the cluster did not quiesce");
    }

    public void Tick(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            NowMilliseconds += 100;
            foreach (var grain in Grains.Values) grain.OnTick();
            Pump();
        }
    }

    public RaftPeer ElectLeader()
    {
        for (var i = 0; i < 200; i++)
        {
            var leaders = Grains.Values.Where(g => g.IsLeader).ToList();
            if (leaders.Count == 1 && Grains.Values.All(g => g.KnownLeader == leaders[0].Node.Id)) return leaders[0];
            Tick();
        }
        throw new InvalidOperationException("no leader elected within 200 ticks");
    }

    /// <summary>Ticks until a replica other than <paramref name="old"/> leads (the old one is usually cut off).</summary>
    public RaftPeer ElectLeaderOtherThan(RaftPeer old)
    {
        for (var i = 0; i < 200; i++)
        {
            Tick();
            if (Grains.Values.FirstOrDefault(g => g.IsLeader && g != old) is { } next) return next;
        }
        throw new InvalidOperationException("no other leader elected within 200 ticks");
    }

    /// <summary>Sends a request and pumps until it is answered (or ticks run out).</summary>
    public KvResponse Call(RaftPeer grain, KvRequest request, int maxTicks = 50)
    {
        KvResponse? answer = null;
        var answers = 0;
        grain.OnClientRequest(request, response => { answer = response; answers++; });
        Pump();
        for (var i = 0; i < maxTicks && answer is null; i++) Tick();
        Assert.Equal(1, answers);
        return answer!;
    }
}
