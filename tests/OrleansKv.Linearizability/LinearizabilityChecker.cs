using System.Collections.Concurrent;

namespace OrleansKv.Linearizability;

/// <summary>
/// Checks that a recorded history of key-value operations is linearizable, starting from an empty store.
/// </summary>
/// <remarks>
/// Operations on different keys never constrain each other in this model, and linearizability is compositional,
/// so each key is checked on its own (in parallel). A key's verdict does not depend on the others or on
/// scheduling; only running out of the time budget can turn a verdict into Unknown, and a key whose search is
/// short (a few thousand steps) is always decided, even if it starts after the budget ran out.
/// </remarks>
public static class LinearizabilityChecker
{
    public static CheckResult Check(IReadOnlyList<KvOperation> history, TimeSpan timeBudget, CancellationToken cancellationToken = default) =>
        Check(history, new CheckOptions { TimeBudget = timeBudget }, cancellationToken);

    public static CheckResult Check(IReadOnlyList<KvOperation> history, CheckOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        options ??= CheckOptions.Default;

        var byKey = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < history.Count; i++)
        {
            var operation = history[i] ?? throw new ArgumentException($"History entry {i} is null.", nameof(history));
            if (!byKey.TryGetValue(operation.Key, out var indices))
            {
                byKey[operation.Key] = indices = [];
            }

            indices.Add(i);
        }

        var keys = byKey.Keys.Order(StringComparer.Ordinal).ToArray();
        var results = new KeyCheckResult[keys.Length];

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.TimeBudget is { } timeBudget)
        {
            budget.CancelAfter(timeBudget);
        }

        // Largest keys first, handed out one at a time, so one big key does not start last and dominate the wall time.
        var schedule = Enumerable.Range(0, keys.Length).OrderByDescending(k => byKey[keys[k]].Count).ToArray();
        Parallel.ForEach(
            Partitioner.Create(schedule, EnumerablePartitionerOptions.NoBuffering),
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism },
            k => results[k] = KeySearch.Check(keys[k], history, byKey[keys[k]], budget.Token));

        return new CheckResult(results);
    }
}
