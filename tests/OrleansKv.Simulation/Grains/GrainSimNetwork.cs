using OrleansKv.Raft;

namespace OrleansKv.Simulation.Grains;

/// <summary>
/// The network of the grain simulation: every grain call and client message gets a random delay
/// (so they reorder), some are lost or delivered twice, and links between silos can be cut in one
/// or both directions. A cut is checked on arrival, so it also loses what was in flight.
/// Clients reach every silo (their messages are only delayed and lost).
/// </summary>
internal sealed class GrainSimNetwork(GrainSimulation sim)
{
    private readonly Dictionary<(ulong From, ulong To), int> _cuts = [];

    public double LossRate { get; set; }
    public double DuplicateRate { get; set; }
    public int BurstDelayMillis { get; set; }

    public bool IsCut(ulong from, ulong to) => _cuts.ContainsKey((from, to));

    public void Cut(IReadOnlyList<(ulong From, ulong To)> links)
    {
        foreach (var link in links) _cuts[link] = _cuts.GetValueOrDefault(link) + 1;
    }

    public void Restore(IReadOnlyList<(ulong From, ulong To)> links)
    {
        foreach (var link in links)
            if (_cuts.TryGetValue(link, out var n)) { if (n <= 1) _cuts.Remove(link); else _cuts[link] = n - 1; }
    }

    public void HealAll()
    {
        _cuts.Clear();
        LossRate = 0;
        DuplicateRate = 0;
        BurstDelayMillis = 0;
    }

    private long Delay()
    {
        var rng = sim.Rng;
        long delay = 1 + rng.Next(4);
        if (rng.Next(20) == 0) delay += rng.Next(30); // a detour: reordering
        if (BurstDelayMillis > 0) delay += rng.Next(BurstDelayMillis + 1);
        return delay;
    }

    /// <summary>A grain call from one peer to another peer of the group.</summary>
    public void SendRaft(Message message)
    {
        sim.Trace.Message(TraceKind.Send, message);
        if (sim.Rng.NextDouble() < LossRate)
        {
            sim.Stats.MessagesDropped++;
            return;
        }
        sim.Queue.After(Delay(), () => Deliver(message));
        if (sim.Rng.NextDouble() < DuplicateRate)
        {
            sim.Stats.MessagesDuplicated++;
            sim.Queue.After(Delay(), () => Deliver(message));
        }
    }

    private void Deliver(Message message)
    {
        var target = sim.Peer(message.To);
        if (IsCut(message.From, message.To) || target?.Grain is null)
        {
            sim.Stats.MessagesDropped++;
            sim.Trace.Message(TraceKind.Drop, message);
            return;
        }
        sim.Trace.Message(TraceKind.Deliver, message);
        target.Grain.OnRaftMessages([message]);
    }

    /// <summary>A client message: delayed, maybe lost, never partitioned.</summary>
    public void ToOrFromClient(Action deliver)
    {
        if (sim.Rng.NextDouble() < LossRate)
        {
            sim.Stats.MessagesDropped++;
            return;
        }
        sim.Queue.After(Delay(), deliver);
    }
}
