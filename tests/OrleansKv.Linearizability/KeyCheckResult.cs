namespace OrleansKv.Linearizability;

/// <summary>The verdict for the operations on one key, with the evidence when they are not linearizable.</summary>
public sealed class KeyCheckResult
{
    internal KeyCheckResult(
        string key,
        CheckOutcome outcome,
        int operationCount,
        int statesExplored,
        IReadOnlyList<KvOperation> longestLinearizablePrefix,
        IReadOnlyList<KvOperation> operationsNotLinearizable,
        string? explanation)
    {
        Key = key;
        Outcome = outcome;
        OperationCount = operationCount;
        StatesExplored = statesExplored;
        LongestLinearizablePrefix = longestLinearizablePrefix;
        OperationsNotLinearizable = operationsNotLinearizable;
        Explanation = explanation;
    }

    public string Key { get; }

    public CheckOutcome Outcome { get; }

    /// <summary>Operations on this key in the history.</summary>
    public int OperationCount { get; }

    /// <summary>Distinct (linearized set, state) pairs the search entered: a measure of the work done.</summary>
    public int StatesExplored { get; }

    /// <summary>Illegal only: the longest sequence of operations, in linearization order, that the search could explain.</summary>
    public IReadOnlyList<KvOperation> LongestLinearizablePrefix { get; }

    /// <summary>Illegal only: the operations that could come next after that prefix, none of which leads to a full linearization.</summary>
    public IReadOnlyList<KvOperation> OperationsNotLinearizable { get; }

    /// <summary>Human-readable account of the violation (Illegal) or of the budget running out (Unknown); null when Ok.</summary>
    public string? Explanation { get; }

    public override string ToString() => Explanation ?? $"Key {KvCommand.Quote(Key)}: {Outcome} ({OperationCount} operations).";
}
