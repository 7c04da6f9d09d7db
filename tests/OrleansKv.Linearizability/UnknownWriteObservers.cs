namespace OrleansKv.Linearizability;

/// <summary>
/// For each unknown-outcome write, how many reads not yet linearized observed a value containing its text. When
/// none is left, taking effect now can only leave <see cref="KvValue.Unobservable"/> behind, and all such writes
/// of a kind (Puts and Appends alike; CompareAndSets expecting the same version) are interchangeable, so the
/// search only tries the earliest one.
/// </summary>
/// <remarks>
/// Unknown writes that never took effect stay candidates forever, and without this each would be tried, in every
/// order with the others, at every dead end for the rest of the history (n! orders instead of one per kind).
/// It matters most when proving a violation, which means exhausting every linearization up to it.
/// The interchangeability argument is that of <see cref="InterchangeableUnknowns"/>, applied at each configuration:
/// whether a write is unobservable only changes when reads are linearized, and then only from no to yes.
/// </remarks>
internal sealed class UnknownWriteObservers
{
    private const int NotAWrite = -1;

    private static readonly int[] None = [];

    private readonly int[] _remainingReaders;
    private readonly int[][] _writesReadBy;

    // Unknown-outcome writes that behave alike once unobservable, in call order, and the class of each operation.
    private readonly int[][] _classes;
    private readonly int[] _classOf;

    public UnknownWriteObservers(IReadOnlyList<PreparedOperation> operations)
    {
        _remainingReaders = new int[operations.Count];
        _writesReadBy = new int[operations.Count][];
        Array.Fill(_writesReadBy, None);

        var readers = Enumerable.Range(0, operations.Count)
            .Where(op => operations[op].Outcome == KvOutcome.Found)
            .ToArray();

        // Most unknown writes never took effect and no read contains their text: one scan of all observed values,
        // joined, rules those out before the per-read check (a match across the separator is merely conservative).
        var observed = string.Join('\0', readers.Select(op => operations[op].Text).Distinct(StringComparer.Ordinal));
        var writesByText = Enumerable.Range(0, operations.Count)
            .Where(op => operations[op].IsOutcomeUnknown && operations[op].WritesText)
            .GroupBy(op => operations[op].Text!, StringComparer.Ordinal)
            .Where(group => observed.Contains(group.Key, StringComparison.Ordinal))
            .ToArray();

        foreach (var reader in readers)
        {
            var read = new List<int>();
            foreach (var group in writesByText)
            {
                if (operations[reader].Text!.Contains(group.Key, StringComparison.Ordinal))
                {
                    read.AddRange(group);
                }
            }

            _writesReadBy[reader] = read.ToArray();
            foreach (var write in read)
            {
                _remainingReaders[write]++;
            }
        }

        _classes = Enumerable.Range(0, operations.Count)
            .Where(op => operations[op].IsOutcomeUnknown && operations[op].WritesText)
            .GroupBy(op => operations[op].Kind == KvOperationKind.CompareAndSet ? operations[op].ExpectedVersion : -1)
            .Select(group => group.ToArray())
            .ToArray();
        _classOf = new int[operations.Count];
        Array.Fill(_classOf, NotAWrite);
        for (var c = 0; c < _classes.Length; c++)
        {
            foreach (var op in _classes[c])
            {
                _classOf[op] = c;
            }
        }
    }

    /// <summary>For an unknown-outcome write: whether no read still to be linearized could observe its text.</summary>
    public bool IsUnobservable(int operation) => _remainingReaders[operation] == 0;

    public void OnLinearized(int operation)
    {
        foreach (var write in _writesReadBy[operation])
        {
            _remainingReaders[write]--;
        }
    }

    /// <summary>Undoes <see cref="OnLinearized"/>.</summary>
    public void OnUndone(int operation)
    {
        foreach (var write in _writesReadBy[operation])
        {
            _remainingReaders[write]++;
        }
    }

    /// <summary>
    /// For an unobservable unknown-outcome write: whether it is the earliest not yet linearized among the unobservable
    /// writes that behave like it. O(writes of its class); the search asks once per candidate per configuration.
    /// </summary>
    public bool IsEarliestUnobservableOfItsKind(int operation, LinearizedSet linearized)
    {
        foreach (var op in _classes[_classOf[operation]])
        {
            if (_remainingReaders[op] == 0 && !linearized.Contains(op))
            {
                return op == operation;
            }
        }

        return false;
    }
}
