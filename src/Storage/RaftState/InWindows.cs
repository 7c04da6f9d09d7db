namespace OrleansKv.Storage.RaftState;

/// <summary>
/// Runs many storage operations a window at a time: each window is started together and awaited
/// whole before the next, so a provider that batches (ours) or works in parallel (Blob) gets
/// several at once, while what is held in memory and queued in the provider stays bounded.
/// </summary>
internal static class InWindows
{
    /// <summary>Starts operations 0 to <paramref name="count"/> - 1; <paramref name="each"/> sees every result, in order.</summary>
    public static async Task RunAsync<T>(int count, int window, Func<int, Task<T>> start, Action<int, T> each)
    {
        for (var first = 0; first < count; first += window)
        {
            var operations = new Task<T>[Math.Min(window, count - first)];
            for (var i = 0; i < operations.Length; i++) operations[i] = start(first + i);
            var results = await Task.WhenAll(operations).ConfigureAwait(false);
            for (var i = 0; i < results.Length; i++) each(first + i, results[i]);
        }
    }
}
