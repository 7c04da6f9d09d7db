namespace OrleansKv.Linearizability;

/// <summary>
/// An operation translated once, before the search, into what the model step needs: hashes of observed and
/// appended text, and a shared <see cref="KvValue"/> for whole-value writes (so states written by the same
/// operation compare by reference).
/// </summary>
internal readonly struct PreparedOperation
{
    /// <summary>Sentinel for a version the store did not report.</summary>
    public const long NotReported = -1;

    public PreparedOperation(int historyIndex, KvOperation operation)
    {
        HistoryIndex = historyIndex;
        Kind = operation.Kind;
        Outcome = operation.Output.Outcome;
        ReportedVersion = operation.Output.Version ?? NotReported;
        ExpectedVersion = operation.Command.ExpectedVersion;

        // Get compares against the value it read; Append extends the current value; Put and CAS replace it.
        Text = Kind == KvOperationKind.Get ? operation.Output.Value : operation.Command.Value;
        if (Text is not null)
        {
            (TextHash, TextShift) = PolynomialHash.Of(Text);
        }

        if (Kind is KvOperationKind.Put or KvOperationKind.Append or KvOperationKind.CompareAndSet)
        {
            WholeValue = KvValue.Of(operation.Command.Value!);
        }
    }

    public int HistoryIndex { get; }

    public KvOperationKind Kind { get; }

    public KvOutcome Outcome { get; }

    public long ReportedVersion { get; }

    public long ExpectedVersion { get; }

    /// <summary>The value a Get observed, or the value / suffix a write carries.</summary>
    public string? Text { get; }

    public ulong TextHash { get; }

    public ulong TextShift { get; }

    /// <summary>The value after a Put or CAS, or after an Append to an absent key.</summary>
    public KvValue? WholeValue { get; }

    public bool IsOutcomeUnknown => Outcome == KvOutcome.Unknown;

    /// <summary>Writes a value or suffix: Put, Append, CompareAndSet.</summary>
    public bool WritesText => Kind is KvOperationKind.Put or KvOperationKind.Append or KvOperationKind.CompareAndSet;

    /// <summary>
    /// Never changes the key's value or presence, in any state where it can happen: a read, a rejected swap, a
    /// delete that found nothing. At most it narrows an unreported version.
    /// </summary>
    public bool IsReadOnly => Kind == KvOperationKind.Get || Outcome is KvOutcome.SwapRejected or KvOutcome.DeletedNothing;
}
