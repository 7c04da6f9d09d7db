namespace OrleansKv.Testing;

/// <summary>
/// The counterpart of <see cref="Eventually"/>: checks that a condition holds at every poll for a
/// whole observation window, and fails at the first poll where it does not. The window is what is
/// asserted (nothing may change during it), not a wait for something to happen.
/// </summary>
internal static class Consistently
{
    public static async Task HoldsAsync(Func<Task<bool>> probe, TimeSpan window, string what)
    {
        var end = DateTime.UtcNow + window;
        var polls = 0;
        while (true)
        {
            polls++;
            if (!await probe())
                Xunit.Assert.Fail($"{what} stopped holding after {polls} polls, within the {window.TotalSeconds:0.#} s window");
            if (DateTime.UtcNow >= end) return;
            await Task.Delay(50); // poll interval within the observation window
        }
    }
}
