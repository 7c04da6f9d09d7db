using OrleansKv.Client;
using OrleansKv.Linearizability;

namespace OrleansKv.Integration;

/// <summary>What the failover tests wait for and check about the load their <see cref="LoadWorker"/>s ran.</summary>
internal static class LoadChecks
{
    /// <summary>Waits until the workers together have <paramref name="operations"/> more acknowledged operations than now.</summary>
    public static async Task WaitForProgressAsync(IReadOnlyList<LoadWorker> workers, int operations, string what)
    {
        var start = workers.Sum(w => w.Acknowledged);
        await Eventually.WaitAsync(() => Task.FromResult(workers.Sum(w => w.Acknowledged) >= start + operations), TimeSpan.FromSeconds(60), what);
    }

    /// <summary>Every acknowledged append is in its key exactly once (no lost write, no double apply).</summary>
    public static async Task AssertEveryAcknowledgedAppendAppearsOnceAsync(IKvClient reader, IEnumerable<string> appendKeys, IReadOnlyList<LoadWorker> workers)
    {
        foreach (var key in appendKeys)
        {
            var entry = await reader.GetAsync(Keys.Utf8(key));
            var value = entry is null ? "" : Keys.Text(entry.Value);
            foreach (var worker in workers)
                foreach (var token in worker.AcknowledgedAppends.GetValueOrDefault(key) ?? [])
                    Assert.True(CountOf(value, token) == 1, $"acknowledged append {token} appears {CountOf(value, token)} times in {key}");
        }
    }

    /// <summary>The recorded history has at least <paramref name="minimumOperations"/> operations and is linearizable.</summary>
    public static void AssertLinearizable(HistoryRecorder history, int minimumOperations)
    {
        var operations = history.GetHistory();
        Assert.True(operations.Count >= minimumOperations, $"only {operations.Count} operations were recorded");
        var result = LinearizabilityChecker.Check(operations, new CheckOptions { TimeBudget = TimeSpan.FromSeconds(60) });
        Assert.True(result.Outcome == CheckOutcome.Ok, $"{operations.Count} operations: {result.Describe()}");
    }

    private static int CountOf(string text, string token)
    {
        var count = 0;
        for (var at = text.IndexOf(token, StringComparison.Ordinal); at >= 0; at = text.IndexOf(token, at + token.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
