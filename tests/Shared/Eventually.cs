namespace OrleansKv.Testing;

/// <summary>Waits on a condition with a deadline: the tests' only way to wait (never a bare sleep). Compiled into every test project that needs it.</summary>
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
                if (await probe() is { } value) return value;
            }
            catch (Exception e) { last = e; }
            await Task.Delay(50); // poll interval of a condition with a deadline
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }

    public static async Task WaitAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        await WaitAsync<object>(async () => await probe() ? new object() : null, timeout, what);
}
