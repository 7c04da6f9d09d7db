namespace OrleansKv.Simulation;

/// <summary>
/// The nemesis: during the fault phase it injects one fault every few hundred milliseconds (they
/// overlap): crashes (some with a quick restart, some of the leader), symmetric and one-way partitions,
/// loss, duplication and delay bursts, slow disks, membership changes and leadership transfers. Every
/// fault is bounded in time, and <see cref="Simulation.Heal"/> ends them all at the end of the phase.
/// </summary>
internal sealed class FaultSchedule
{
    public const double BaselineLoss = 0.01;
    public const double BaselineDuplication = 0.01;

    private enum Fault
    {
        Crash,
        Partition,
        OneWay,
        Loss,
        Duplication,
        Delay,
        SlowDisk,
        Membership,
        Transfer,
        LeaderChurn,
    }

    private static readonly (Fault Fault, int Weight)[] Weights =
    [
        (Fault.Crash, 5), (Fault.Partition, 3), (Fault.OneWay, 3), (Fault.Loss, 1), (Fault.Duplication, 1),
        (Fault.Delay, 1), (Fault.SlowDisk, 1), (Fault.Membership, 4), (Fault.Transfer, 3),
        (Fault.LeaderChurn, 2),
    ];

    private readonly Simulation _sim;
    private int _lossBursts, _dupBursts, _delayBursts;
    private long _churnUntil;

    public FaultSchedule(Simulation sim) => _sim = sim;

    private Random Rng => _sim.Rng;

    public void Start()
    {
        _sim.Network.LossRate = BaselineLoss;
        _sim.Network.DuplicateRate = BaselineDuplication;
        _sim.Queue.After(200 + Rng.Next(300), Next);
    }

    private void Next()
    {
        if (_sim.Healed) return;
        var total = Weights.Sum(w => w.Weight);
        var roll = Rng.Next(total);
        var fault = Weights[0].Fault;
        foreach (var (candidate, weight) in Weights)
        {
            if (roll < weight)
            {
                fault = candidate;
                break;
            }
            roll -= weight;
        }
        Inject(fault);
        _sim.Queue.After(50 + Rng.Next(350), Next);
    }

    private long Duration(int min, int max) => min + Rng.Next(max - min + 1);

    private void Inject(Fault fault)
    {
        switch (fault)
        {
            case Fault.Crash: Crash(); break;
            case Fault.Partition: Partition(); break;
            case Fault.OneWay: OneWay(); break;
            case Fault.Loss:
                _sim.Stats.LossBursts++;
                _lossBursts++;
                _sim.Network.LossRate = 0.1 + Rng.NextDouble() * 0.4;
                Note($"loss burst {_sim.Network.LossRate:F2}");
                _sim.Queue.After(Duration(100, 1000), () => { if (--_lossBursts == 0 && !_sim.Healed) _sim.Network.LossRate = BaselineLoss; });
                break;
            case Fault.Duplication:
                _sim.Stats.DuplicationBursts++;
                _dupBursts++;
                _sim.Network.DuplicateRate = 0.1 + Rng.NextDouble() * 0.3;
                Note($"duplication burst {_sim.Network.DuplicateRate:F2}");
                _sim.Queue.After(Duration(100, 1000), () => { if (--_dupBursts == 0 && !_sim.Healed) _sim.Network.DuplicateRate = BaselineDuplication; });
                break;
            case Fault.Delay:
                _sim.Stats.DelayBursts++;
                _delayBursts++;
                _sim.Network.BurstDelayMillis = 10 + Rng.Next(70);
                Note($"delay burst up to {_sim.Network.BurstDelayMillis} ms");
                _sim.Queue.After(Duration(100, 1000), () => { if (--_delayBursts == 0) _sim.Network.BurstDelayMillis = 0; });
                break;
            case Fault.SlowDisk:
                var slow = RandomLiveNode();
                if (slow is null) return;
                _sim.Stats.SlowDisks++;
                slow.SlowDiskFactor = 5 + Rng.Next(16);
                slow.SlowDiskUntil = _sim.Queue.Now + Duration(100, 1000);
                Note($"slow disk on n{slow.Id} x{slow.SlowDiskFactor} until {slow.SlowDiskUntil}");
                break;
            case Fault.Membership: _sim.Operator.ChangeMembership(); break;
            case Fault.Transfer: _sim.Operator.TransferLeadership(); break;
            case Fault.LeaderChurn:
                _sim.Stats.LeaderChurns++;
                _churnUntil = _sim.Queue.Now + Duration(200, 1500);
                Note($"leader churn until {_churnUntil}");
                break;
        }
    }

    private void Note(string text) => _sim.Trace.Event(TraceKind.Fault, 0, detail: text);

    private SimNode? RandomLiveNode()
    {
        var live = _sim.NodesInOrder.Where(n => n.IsUp).ToList();
        return live.Count == 0 ? null : live[Rng.Next(live.Count)];
    }

    /// <summary>
    /// During leader churn, new leaders mostly die young: a few milliseconds into their term, with
    /// entries half replicated. Many short terms with diverging tails are what Figure 8 of the Raft
    /// paper is made of, and uniform random crashes rarely produce them.
    /// </summary>
    public void OnNewLeader(SimNode leader)
    {
        if (_sim.Healed || _sim.Queue.Now >= _churnUntil || Rng.Next(10) < 3) return;
        var incarnation = leader.Incarnation;
        _sim.Queue.After(Rng.Next(40), () =>
        {
            if (leader.Incarnation != incarnation || !leader.IsUp || _sim.NodesInOrder.Count(n => n.IsUp) < 2) return;
            leader.Crash();
            var crashed = leader.Incarnation;
            _sim.Queue.After(Duration(1, 200), () =>
            {
                if (leader.Decommissioned || leader.IsUp || leader.Incarnation != crashed) return;
                _sim.Stats.Restarts++;
                leader.Start();
            });
        });
    }

    private void Crash()
    {
        var live = _sim.NodesInOrder.Where(n => n.IsUp).ToList();
        if (live.Count < 2) return; // keep someone running; all-down periods come from overlapping crashes anyway
        var leader = _sim.CurrentLeader();
        var victim = leader is not null && Rng.Next(10) < 4 ? leader : live[Rng.Next(live.Count)];
        victim.Crash();
        // A third of crashes come straight back (a process restart); the rest stay down a while.
        var downtime = Rng.Next(3) == 0 ? Duration(1, 30) : Duration(50, 1500);
        var incarnation = victim.Incarnation;
        _sim.Queue.After(downtime, () =>
        {
            if (victim.Decommissioned || victim.IsUp || victim.Incarnation != incarnation) return;
            _sim.Stats.Restarts++;
            victim.Start();
        });
    }

    private void Partition()
    {
        var ids = _sim.NodesInOrder.Select(n => n.Id).ToList();
        if (ids.Count < 2) return;
        HashSet<ulong> minority;
        var leader = _sim.CurrentLeader();
        if (leader is not null && Rng.Next(10) < 4)
        {
            minority = [leader.Id];
        }
        else
        {
            var size = 1 + Rng.Next(Math.Max(1, ids.Count / 2));
            minority = [.. ids.OrderBy(_ => Rng.Next()).Take(size)];
        }
        var links = new List<(ulong, ulong)>();
        foreach (var a in minority)
        foreach (var b in ids)
        {
            if (minority.Contains(b)) continue;
            links.Add((a, b));
            links.Add((b, a));
        }
        _sim.Stats.SymmetricPartitions++;
        var id = _sim.Network.Cut(links);
        Note($"partition {{{string.Join(",", minority.Order())}}} from the rest");
        _sim.Queue.After(Duration(100, 1500), () => _sim.Network.Remove(id));
    }

    private void OneWay()
    {
        var ids = _sim.NodesInOrder.Select(n => n.Id).ToList();
        if (ids.Count < 2) return;
        var links = new List<(ulong, ulong)>();
        var leader = _sim.CurrentLeader();
        var mode = Rng.Next(3);
        string what;
        if (leader is not null && mode == 0)
        {
            // The leader can still hear everyone but reaches no one.
            foreach (var b in ids) if (b != leader.Id) links.Add((leader.Id, b));
            what = $"n{leader.Id} (leader) cannot send";
        }
        else if (leader is not null && mode == 1)
        {
            // The leader's heartbeats go out but nothing comes back.
            foreach (var b in ids) if (b != leader.Id) links.Add((b, leader.Id));
            what = $"n{leader.Id} (leader) cannot receive";
        }
        else
        {
            for (var i = 1 + Rng.Next(3); i > 0; i--)
            {
                var from = ids[Rng.Next(ids.Count)];
                var to = ids[Rng.Next(ids.Count)];
                if (from != to) links.Add((from, to));
            }
            if (links.Count == 0) return;
            what = string.Join(" ", links.Select(l => $"{l.Item1}-/->{l.Item2}"));
        }
        _sim.Stats.OneWayPartitions++;
        var id = _sim.Network.Cut(links);
        Note($"one-way cut: {what}");
        _sim.Queue.After(Duration(100, 1500), () => _sim.Network.Remove(id));
    }
}
