namespace OrleansKv.Simulation.Grains;

/// <summary>
/// The fault schedule of the grain simulation, drawn from the run's one PRNG: silo crashes (losing
/// unsynced writes) and restarts, symmetric and one-way partitions, bursts of loss, duplication and
/// delay, and leadership transfers (what a silo does on SIGTERM). Every fault heals by itself, and
/// <see cref="HealAll"/> ends them all at once.
/// </summary>
internal sealed class GrainSimNemesis(GrainSimulation sim)
{
    private int _generation; // bumped by HealAll so scheduled self-heals of old faults do nothing

    public void Start() => sim.Queue.After(100 + sim.Rng.Next(300), Next);

    private void Next()
    {
        if (sim.Healed) return;
        var rng = sim.Rng;
        switch (rng.Next(10))
        {
            case 0: case 1: CrashOne(); break;
            case 2: Isolate(); break;
            case 3: SplitMajority(); break;
            case 4: OneWayCut(); break;
            case 5: LossBurst(); break;
            case 6: DelayBurst(); break;
            case 7: case 8: Transfer(); break;
            default: GracefulRestart(); break;
        }
        sim.Queue.After(100 + rng.Next(400), Next);
    }

    private void Later(long delay, Action heal)
    {
        var generation = _generation;
        sim.Queue.After(delay, () => { if (generation == _generation) heal(); });
    }

    private void CrashOne()
    {
        var down = sim.Peers.Count(p => !p.IsUp);
        // Mostly keep a quorum up so the load progresses; sometimes take it away too.
        if (down >= (sim.Peers.Count - 1) / 2 && sim.Rng.Next(4) != 0) return;
        var up = sim.Peers.Where(p => p.IsUp).ToList();
        if (up.Count == 0) return;
        var victim = up[sim.Rng.Next(up.Count)];
        sim.Crash(victim);
        Later(50 + sim.Rng.Next(800), () => sim.Restart(victim));
    }

    // SIGTERM: the silo hands leadership away, then stops a little later (without waiting for the transfer).
    private void GracefulRestart()
    {
        var leader = sim.Peers.FirstOrDefault(p => p.Grain?.IsLeader == true);
        if (leader is null) return;
        sim.Transfer(leader);
        sim.Queue.After(20 + sim.Rng.Next(60), () =>
        {
            if (!leader.IsUp || sim.Healed) return;
            sim.Crash(leader);
            Later(50 + sim.Rng.Next(300), () => sim.Restart(leader));
        });
    }

    private void Transfer()
    {
        var leader = sim.Peers.FirstOrDefault(p => p.Grain?.IsLeader == true);
        if (leader is not null) sim.Transfer(leader);
    }

    private void Isolate()
    {
        var node = sim.Peers[sim.Rng.Next(sim.Peers.Count)].Id;
        var links = sim.Peers.Where(p => p.Id != node).SelectMany(p => new[] { (node, p.Id), (p.Id, node) }).ToList();
        Cut(links, $"isolate n{node}");
    }

    private void SplitMajority()
    {
        var shuffled = sim.Peers.Select(p => p.Id).OrderBy(_ => sim.Rng.Next()).ToList();
        var minority = shuffled.Take((sim.Peers.Count - 1) / 2).ToHashSet();
        var links = (from a in minority from b in shuffled where !minority.Contains(b) from l in new[] { (a, b), (b, a) } select l).ToList();
        Cut(links, $"split {{{string.Join(",", minority)}}} from the rest");
    }

    private void OneWayCut()
    {
        var from = sim.Peers[sim.Rng.Next(sim.Peers.Count)].Id;
        var to = sim.Peers[sim.Rng.Next(sim.Peers.Count)].Id;
        if (from == to) return;
        Cut([(from, to)], $"cut n{from} -> n{to}");
    }

    private void Cut(List<(ulong, ulong)> links, string what)
    {
        sim.Stats.Partitions++;
        sim.Trace.Event(TraceKind.Fault, 0, (ulong)links.Count, 0, sim.Trace.Verbose ? what : null);
        sim.Network.Cut(links);
        Later(100 + sim.Rng.Next(1400), () =>
        {
            sim.Trace.Event(TraceKind.Heal, 0, (ulong)links.Count, 0, sim.Trace.Verbose ? $"heal: {what}" : null);
            sim.Network.Restore(links);
        });
    }

    private void LossBurst()
    {
        sim.Network.LossRate = 0.05 + sim.Rng.NextDouble() * 0.25;
        sim.Network.DuplicateRate = sim.Rng.NextDouble() * 0.2;
        sim.Trace.Note($"loss {sim.Network.LossRate:P0}, duplication {sim.Network.DuplicateRate:P0}");
        Later(200 + sim.Rng.Next(600), () => { sim.Network.LossRate = 0; sim.Network.DuplicateRate = 0; });
    }

    private void DelayBurst()
    {
        sim.Network.BurstDelayMillis = 20 + sim.Rng.Next(150);
        Later(200 + sim.Rng.Next(600), () => sim.Network.BurstDelayMillis = 0);
    }

    public void HealAll()
    {
        _generation++;
        sim.Network.HealAll();
        foreach (var peer in sim.Peers)
            if (!peer.IsUp) sim.Restart(peer);
    }
}
