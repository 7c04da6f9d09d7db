namespace OrleansKv.Grains.Tests;

/// <summary>Waits for a condition with a timeout: polling, never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } result) return result;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                last = e;
            }
            await Task.Delay(50); // polling a condition with a deadline
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }

    public static Task WaitAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        WaitAsync<object>(async () => await probe() ? new object() : null, timeout, what);
}
