namespace OrleansKv.Linearizability;

/// <summary>
/// Groups unknown-outcome operations whose effects are identical in every state (all Deletes; equal Puts, Appends
/// or CompareAndSets), and lets the search take the members of a group only in call order. (Writes whose text
/// no remaining read observes form a further group that changes as reads are linearized: see
/// <see cref="UnknownWriteObservers"/>.)
/// </summary>
/// <remarks>
/// Members of a group are interchangeable: an unknown-outcome operation stays a candidate forever once called, and
/// members are numbered in call order, so whenever some k members of a group are candidates the first k are too.
/// Any linearization can therefore be relabelled to use the first members of each group, and trying the others
/// would only revisit the same states under other names: with n leftover operations that never took effect, that
/// is the difference between n and n! orders at every dead end.
/// </remarks>
internal sealed class InterchangeableUnknowns
{
    private const int NotGrouped = -1;

    private readonly int[] _groupOf;
    private readonly int[] _rankInGroup;
    private readonly int[] _takenInGroup;

    public InterchangeableUnknowns(IReadOnlyList<PreparedOperation> operations)
    {
        _groupOf = new int[operations.Count];
        _rankInGroup = new int[operations.Count];
        var groups = new Dictionary<(KvOperationKind Kind, string? Text, long ExpectedVersion), int>();
        var sizes = new List<int>();
        for (var op = 0; op < operations.Count; op++)
        {
            var operation = operations[op];
            if (!operation.IsOutcomeUnknown)
            {
                _groupOf[op] = NotGrouped;
                continue;
            }

            var signature = Signature(operation);
            if (!groups.TryGetValue(signature, out var group))
            {
                groups[signature] = group = sizes.Count;
                sizes.Add(0);
            }

            _groupOf[op] = group;
            _rankInGroup[op] = sizes[group]++;
        }

        _takenInGroup = new int[sizes.Count];
    }

    /// <summary>Whether the operation is the first member of its group not yet linearized (true for completed operations).</summary>
    public bool MayTake(int operation)
    {
        var group = _groupOf[operation];
        return group == NotGrouped || _takenInGroup[group] == _rankInGroup[operation];
    }

    public void Take(int operation)
    {
        if (_groupOf[operation] != NotGrouped)
        {
            _takenInGroup[_groupOf[operation]]++;
        }
    }

    /// <summary>Undoes <see cref="Take"/>; the search releases operations in the reverse order it took them.</summary>
    public void Release(int operation)
    {
        if (_groupOf[operation] != NotGrouped)
        {
            _takenInGroup[_groupOf[operation]]--;
        }
    }

    private static (KvOperationKind Kind, string? Text, long ExpectedVersion) Signature(in PreparedOperation operation) =>
        (operation.Kind, operation.Text, operation.ExpectedVersion);
}
