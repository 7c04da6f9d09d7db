using System.Text;

namespace OrleansKv.Linearizability;

/// <summary>
/// Turns a failed search into evidence a person can act on: the longest linearizable prefix found, the state it
/// leaves, and each operation that could have come next with the reason it cannot.
/// </summary>
internal static class FailureExplainer
{
    private const int PrefixLinesShown = 20;

    public static KeyCheckResult Explain(
        string key,
        int operationCount,
        int statesExplored,
        PreparedOperation[] operations,
        KvOperation[] originals,
        int[] longestPrefix)
    {
        // Replay the prefix to recover the state it leaves (each step succeeded during the search).
        var state = KvState.Initial;
        var inPrefix = new bool[operations.Length];
        foreach (var op in longestPrefix)
        {
            KvModel.TryStep(operations[op], state, out state);
            inPrefix[op] = true;
        }

        // The candidates after the prefix: operations not in it whose call precedes every pending return.
        var firstPendingReturn = KvOperation.NeverReturned;
        for (var op = 0; op < operations.Length; op++)
        {
            if (!inPrefix[op])
            {
                firstPendingReturn = Math.Min(firstPendingReturn, originals[op].ReturnTime);
            }
        }

        var stuck = new List<int>();
        for (var op = 0; op < operations.Length; op++)
        {
            if (!inPrefix[op] && originals[op].CallTime <= firstPendingReturn)
            {
                stuck.Add(op);
            }
        }

        var text = new StringBuilder();
        text.AppendLine($"Key {KvCommand.Quote(key)}: not linearizable ({operationCount} operations, {statesExplored} search states).");
        text.AppendLine($"Longest linearizable prefix: {longestPrefix.Length} operations, in linearization order:");
        var skipped = Math.Max(0, longestPrefix.Length - PrefixLinesShown);
        if (skipped > 0)
        {
            text.AppendLine($"  ... {skipped} earlier operations ...");
        }

        foreach (var op in longestPrefix.Skip(skipped))
        {
            text.AppendLine($"  #{operations[op].HistoryIndex} {originals[op]}");
        }

        text.AppendLine($"State after the prefix: {state}.");
        text.AppendLine("None of the operations that could come next can be linearized:");
        foreach (var op in stuck)
        {
            var reason = KvModel.ExplainRejection(operations[op], state)
                ?? (operations[op].IsOutcomeUnknown
                    ? "its outcome is unknown; taking effect here leads to no linearization of the rest"
                    : "the model allows it here, but no linearization of the remaining operations follows");
            text.AppendLine($"  #{operations[op].HistoryIndex} {originals[op]}: {reason}.");
        }

        return new KeyCheckResult(
            key,
            CheckOutcome.Illegal,
            operationCount,
            statesExplored,
            longestPrefix.Select(op => originals[op]).ToArray(),
            stuck.Select(op => originals[op]).ToArray(),
            text.ToString().TrimEnd());
    }
}
