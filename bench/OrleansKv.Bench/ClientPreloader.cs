using System.Diagnostics;

namespace OrleansKv.Bench;

/// <summary>
/// Writes every benchmark key once, so reads find values and CAS starts from known versions: 256 concurrent
/// callers take key numbers from a shared counter and store each put's version in the version table. The same for
/// every <see cref="IBenchStore"/>: the same keys, value size and concurrency.
/// </summary>
internal static class ClientPreloader
{
    public const int Callers = 256;

    public static async Task<(TimeSpan Elapsed, long Errors)> RunAsync(IBenchStore store, int keyCount, int valueBytes, ulong[] versions)
    {
        var next = -1;
        long errors = 0;
        var started = Stopwatch.GetTimestamp();
        var running = new Task[Math.Min(Callers, keyCount)];
        for (var i = 0; i < running.Length; i++)
        {
            var seed = i;
            running[i] = Task.Run(async () =>
            {
                var key = BenchKey.NewBuffer();
                var value = new byte[valueBytes];
                new Random(seed).NextBytes(value);
                while (true)
                {
                    var number = Interlocked.Increment(ref next);
                    if (number >= keyCount) return;
                    BenchKey.Write(key, number);
                    try
                    {
                        versions[number] = await store.PutAsync(key, value).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // The key keeps version 0 (absent); if the put applied after all, the key's first CAS fails and learns it.
                        Interlocked.Increment(ref errors);
                    }
                }
            });
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        return (Stopwatch.GetElapsedTime(started), errors);
    }
}
