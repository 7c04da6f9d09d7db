namespace OrleansKv.Linearizability;

public enum CheckOutcome
{
    /// <summary>The history is linearizable.</summary>
    Ok,

    /// <summary>The history is not linearizable: no order of its operations explains what clients observed.</summary>
    Illegal,

    /// <summary>The time budget ran out (or the check was cancelled) before a verdict.</summary>
    Unknown,
}
