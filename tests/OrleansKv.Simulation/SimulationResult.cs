using OrleansKv.Linearizability;

namespace OrleansKv.Simulation;

/// <summary>The outcome of one seed.</summary>
public sealed class SimulationResult
{
    public required SimulationOptions Options { get; init; }

    /// <summary>Null if every invariant, the liveness bound and the linearizability check held.</summary>
    public string? Failure { get; init; }

    public required SimulationStats Stats { get; init; }

    /// <summary>Hash of every event of the run: equal for two runs of the same seed.</summary>
    public required ulong TraceHash { get; init; }

    /// <summary>Ok or Unknown (time budget) when the run passed; Illegal makes it fail.</summary>
    public CheckOutcome? Linearizability { get; init; }

    public int HistoryLength { get; init; }

    /// <summary>Logical milliseconds simulated.</summary>
    public long SimulatedMillis { get; init; }

    public bool Passed => Failure is null;

    public override string ToString() =>
        (Passed ? $"seed {Options.Seed} ({Options.Nodes} nodes): ok" : $"seed {Options.Seed} ({Options.Nodes} nodes): FAILED: {Failure}") +
        $" [trace {Fnv.Hex(TraceHash)}, {HistoryLength} ops, linearizability {Linearizability?.ToString() ?? "not checked"}, {SimulatedMillis} ms simulated]";
}
