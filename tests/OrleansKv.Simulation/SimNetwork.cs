using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>
/// The network between nodes (and between clients and nodes): every message gets a random delay, so
/// messages reorder; some are lost or duplicated; links can be cut in one or both directions. All of
/// it is drawn from the simulation's one PRNG. A link is checked when the message arrives, so a cut
/// also loses what was in flight. The sender learns how an InstallSnapshot went (ReportSnapshot) and,
/// sometimes, that a peer is unreachable, as a real transport would tell it.
/// </summary>
internal sealed class SimNetwork
{
    private readonly Simulation _sim;
    private readonly Dictionary<(ulong From, ulong To), int> _cuts = [];
    private readonly Dictionary<int, List<(ulong From, ulong To)>> _partitions = [];
    private int _nextPartition;

    public SimNetwork(Simulation sim) => _sim = sim;

    /// <summary>Probability each message is lost (baseline plus any burst).</summary>
    public double LossRate { get; set; }

    /// <summary>Probability each message is delivered twice.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>Probability a message takes a detour of up to <see cref="DetourMillis"/> (reordering).</summary>
    public double DetourRate { get; set; } = 0.05;

    public int DetourMillis { get; set; } = 30;

    /// <summary>Extra random delay on every message during a delay burst (0: none).</summary>
    public int BurstDelayMillis { get; set; }

    public int ActivePartitions => _partitions.Count;

    public bool IsCut(ulong from, ulong to) => _cuts.ContainsKey((from, to));

    /// <summary>Cuts the given directed links until <see cref="Remove"/>; returns a handle.</summary>
    public int Cut(IEnumerable<(ulong From, ulong To)> links)
    {
        var id = _nextPartition++;
        var list = links.Distinct().ToList();
        foreach (var link in list) _cuts[link] = _cuts.GetValueOrDefault(link) + 1;
        _partitions[id] = list;
        return id;
    }

    public void Remove(int partition)
    {
        if (!_partitions.Remove(partition, out var links)) return; // already healed
        foreach (var link in links)
            if (--_cuts[link] == 0) _cuts.Remove(link);
    }

    public void HealAll()
    {
        _partitions.Clear();
        _cuts.Clear();
    }

    private long Delay()
    {
        var rng = _sim.Rng;
        long delay = 1 + rng.Next(5);
        if (rng.NextDouble() < DetourRate) delay += rng.Next(DetourMillis + 1);
        if (BurstDelayMillis > 0) delay += rng.Next(BurstDelayMillis + 1);
        return delay;
    }

    /// <summary>A node sends a Raft message (after persisting the Ready that carries it).</summary>
    public void Send(Message m, int senderIncarnation)
    {
        var rng = _sim.Rng;
        _sim.Stats.MessagesSent++;
        _sim.Trace.Message(TraceKind.Send, m);
        if (rng.NextDouble() < LossRate)
        {
            Lost(m, senderIncarnation, "lost");
            return;
        }
        _sim.Queue.After(Delay(), () => Deliver(m, senderIncarnation, original: true));
        if (rng.NextDouble() < DuplicateRate)
        {
            _sim.Stats.MessagesDuplicated++;
            _sim.Queue.After(Delay(), () => Deliver(m, senderIncarnation, original: false));
        }
    }

    private void Deliver(Message m, int senderIncarnation, bool original)
    {
        if (IsCut(m.From, m.To))
        {
            Lost(m, senderIncarnation, "cut", original);
            // A transport that cannot connect tells the sender, sometimes.
            if (_sim.Rng.Next(2) == 0) ToSender(m, senderIncarnation, raft => raft.ReportUnreachable(m.To));
            return;
        }
        var target = _sim.FindNode(m.To);
        if (target is null || !target.IsUp)
        {
            Lost(m, senderIncarnation, "down", original);
            return;
        }
        _sim.Trace.Message(original ? TraceKind.Deliver : TraceKind.Duplicate, m);
        target.Receive(m);
        if (m.Type == MessageType.InstallSnapshot && original)
            ToSender(m, senderIncarnation, raft => raft.ReportSnapshot(m.To, succeeded: true));
    }

    private void Lost(Message m, int senderIncarnation, string why, bool original = true)
    {
        _sim.Stats.MessagesDropped++;
        _sim.Trace.Message(TraceKind.Drop, m, why);
        if (m.Type == MessageType.InstallSnapshot && original)
            ToSender(m, senderIncarnation, raft => raft.ReportSnapshot(m.To, succeeded: false));
    }

    /// <summary>Feedback from the transport to the sending node, if it is still the same incarnation.</summary>
    private void ToSender(Message m, int senderIncarnation, Action<RaftNode> report)
    {
        _sim.Queue.After(Delay(), () =>
        {
            var sender = _sim.FindNode(m.From);
            if (sender is null || !sender.IsUp || sender.Incarnation != senderIncarnation) return;
            report(sender.Raft!);
        });
    }

    /// <summary>A client request on its way to a node (clients are never partitioned, but lose messages in bursts).</summary>
    public void SendToNode(ClientRequest request, ulong node)
    {
        if (_sim.Rng.NextDouble() < LossRate) return;
        _sim.Queue.After(Delay(), () =>
        {
            var target = _sim.FindNode(node);
            if (target is { IsUp: true }) target.OnClientRequest(request);
        });
    }

    public void SendToClient(ClientReply reply)
    {
        if (_sim.Rng.NextDouble() < LossRate) return;
        _sim.Queue.After(Delay(), () => _sim.Clients[reply.ClientId].OnReply(reply));
    }
}
