using System.Diagnostics;

namespace OrleansKv.Silo.Tests.Transport;

/// <summary>Waits for a condition with a deadline (polling), so tests never sleep a fixed time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (!condition())
        {
            if (deadline.Elapsed > limit) throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            await Task.Delay(5); // poll interval of a condition with a deadline, not a sleep for ordering
        }
    }
}
