namespace OrleansKv.Linearizability;

public sealed record CheckOptions
{
    public static readonly CheckOptions Default = new();

    /// <summary>
    /// Wall-clock time for the whole check, after which unfinished keys are <see cref="CheckOutcome.Unknown"/>.
    /// Null: no limit. Keys whose search takes only a few thousand steps are decided regardless.
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>How many keys are searched at once; -1 uses every core. The verdict does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}
