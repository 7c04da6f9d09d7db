namespace OrleansKv.Linearizability;

/// <summary>Shape of a history produced by <see cref="RandomHistoryGenerator"/>.</summary>
public sealed record HistoryGenerationOptions
{
    public int Seed { get; init; } = 1;

    public int OperationCount { get; init; } = 10_000;

    public int ClientCount { get; init; } = 8;

    public int KeyCount { get; init; } = 10;

    /// <summary>Fraction of operations whose client gives up without an answer; half of those still take effect.</summary>
    public double UnknownOutcomeRate { get; init; } = 0.01;

    /// <summary>Whether outputs carry versions; false produces value-only outputs.</summary>
    public bool ReportVersions { get; init; } = true;

    /// <summary>Longest time, in ticks, from an operation's call to its return.</summary>
    public int MaxLatency { get; init; } = 20;

    /// <summary>Longest pause, in ticks, between a client's operations.</summary>
    public int MaxThinkTime { get; init; } = 4;

    /// <summary>Relative frequencies of Get, Put, Append, Delete and CompareAndSet.</summary>
    public (int Get, int Put, int Append, int Delete, int CompareAndSet) Mix { get; init; } = (40, 20, 15, 10, 15);
}
