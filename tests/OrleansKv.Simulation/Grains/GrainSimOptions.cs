namespace OrleansKv.Simulation.Grains;

/// <summary>One seed's settings for the grain-level simulation.</summary>
public sealed record GrainSimOptions
{
    public required int Seed { get; init; }
    public int Nodes { get; init; } = 3;
    public int Clients { get; init; } = 4;

    /// <summary>Simulated milliseconds of load with faults, before everything heals.</summary>
    public long FaultMillis { get; init; } = 8_000;

    /// <summary>After healing, a leader must be elected and a write committed within this many simulated ms.</summary>
    public long LivenessMillis { get; init; } = 5_000;

    public long TickMillis { get; init; } = 10;
    public bool Faults { get; init; } = true;

    /// <summary>Test fault: the disk forgets the last write it reported durable when the process crashes.</summary>
    public bool LyingDisk { get; init; }

    /// <summary>Test fault: clients ask to open a session on every attempt, so a retry after its session expired applies again.</summary>
    public bool RetriesReopenSessions { get; init; }

    public TextWriter? TraceOut { get; init; }

    public string ReplayCommand => $"dotnet run -c Release --project tests/OrleansKv.Simulation -- --grains --seed {Seed} --nodes {Nodes} --verbose";

    public static GrainSimOptions ForSeed(int seed, int? nodes = null) =>
        new() { Seed = seed, Nodes = nodes ?? (seed % 2 == 0 ? 3 : 5) };
}
