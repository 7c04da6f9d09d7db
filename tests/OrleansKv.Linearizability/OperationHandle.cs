namespace OrleansKv.Linearizability;

/// <summary>Identifies an invoked operation in a <see cref="HistoryRecorder"/> until its outcome is recorded.</summary>
public readonly record struct OperationHandle(int Index);
