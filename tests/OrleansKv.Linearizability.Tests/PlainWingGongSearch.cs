namespace OrleansKv.Linearizability.Tests;

/// <summary>
/// The textbook Wing &amp; Gong search on the checker's own model, with none of the checker's reductions (phases,
/// read-only exclusivity, dominance, unobservable values, interchangeable unknowns): plain recursion over every
/// minimal operation, memoising exact (set, state) pairs. Small histories only (at most 30 operations).
/// </summary>
internal static class PlainWingGongSearch
{
    public static bool IsLinearizable(IReadOnlyList<KvOperation> history)
    {
        var operations = history.Where(op => !(op.Kind == KvOperationKind.Get && op.IsOutcomeUnknown)).ToArray();
        var prepared = operations.Select((op, i) => new PreparedOperation(i, op)).ToArray();
        var completedMask = 0;
        for (var i = 0; i < operations.Length; i++)
        {
            if (!operations[i].IsOutcomeUnknown)
            {
                completedMask |= 1 << i;
            }
        }

        var seen = new HashSet<(int, KvState)>();
        return Search(0, KvState.Initial);

        bool Search(int linearized, KvState state)
        {
            if ((linearized & completedMask) == completedMask)
            {
                return true;
            }

            if (!seen.Add((linearized, state)))
            {
                return false;
            }

            for (var i = 0; i < operations.Length; i++)
            {
                var isMinimal = (linearized & (1 << i)) == 0
                    && !Enumerable.Range(0, operations.Length).Any(j =>
                        (linearized & (1 << j)) == 0 && operations[j].ReturnTime < operations[i].CallTime);
                if (isMinimal && KvModel.TryStep(prepared[i], state, out var next) && Search(linearized | (1 << i), next))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
