namespace OrleansKv.Simulation;

/// <summary>
/// Everything that defines a run besides the seed's random draws. The sweep test and the command line
/// use the same defaults, so the printed replay command reproduces a failure exactly.
/// </summary>
public sealed record SimulationOptions
{
    public const int DefaultFaultTicks = 8000;
    public const int DefaultLivenessTicks = 1000;

    public required int Seed { get; init; }

    /// <summary>Voters in the bootstrap cluster (3 or 5); membership changes keep voters within 3..5.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Length of the fault phase, in Raft ticks. Clients issue operations throughout it.</summary>
    public int FaultTicks { get; init; } = DefaultFaultTicks;

    /// <summary>After everything heals: ticks within which a leader must be elected, every pending operation complete and every member catch up.</summary>
    public int LivenessTicks { get; init; } = DefaultLivenessTicks;

    /// <summary>Logical milliseconds per Raft tick (network and disk delays are in milliseconds).</summary>
    public int TickMillis { get; init; } = 10;

    /// <summary>False: no crashes, partitions, loss, duplication, membership changes or transfers (reordering stays).</summary>
    public bool Faults { get; init; } = true;

    /// <summary>Test hook: one replica applies a tampered entry, which the invariants must catch.</summary>
    public bool InjectDivergentApply { get; init; }

    /// <summary>Where --verbose prints the event trace (null: no trace).</summary>
    public TextWriter? TraceOut { get; init; }

    /// <summary>Wall-clock budget for the linearizability check (reporting only; Unknown is not a failure).</summary>
    public TimeSpan CheckBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The default node count for a seed when none is given: the sweep alternates 3 and 5.</summary>
    public static int NodesForSeed(int seed) => (seed & 1) == 0 ? 3 : 5;

    public static SimulationOptions ForSeed(int seed, int? nodes = null) => new() { Seed = seed, Nodes = nodes ?? NodesForSeed(seed) };

    /// <summary>The command that replays this run.</summary>
    public string ReplayCommand
    {
        get
        {
            var command = $"dotnet run -c Release --project tests/OrleansKv.Simulation -- --seed {Seed} --nodes {Nodes}";
            if (FaultTicks != DefaultFaultTicks) command += $" --ticks {FaultTicks}";
            if (LivenessTicks != DefaultLivenessTicks) command += $" --liveness-ticks {LivenessTicks}";
            if (!Faults) command += " --no-faults";
            return command + " --verbose";
        }
    }
}
