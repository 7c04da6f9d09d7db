namespace OrleansKv.Grains.Runtime;

/// <summary>
/// What the runtime gives a grain activation: a way to schedule work onto its own mailbox (so
/// callbacks from storage or timers run as turns of the grain, one at a time) and the clock.
/// The silo fills it with a channel-backed mailbox and the system clock; the simulation with its
/// event queue and its simulated clock.
/// </summary>
public interface IGrainContext
{
    /// <summary>Queues <paramref name="work"/> to run as a later turn of this grain. Safe from any thread.</summary>
    void Post(Action work);

    /// <summary>
    /// Runs <paramref name="work"/> off the grain's turns (it must touch nothing the grain owns),
    /// then queues <paramref name="then"/> with its result as a turn. The silo uses the thread pool; the simulation
    /// runs the work at once, so a seed still replays the same run.
    /// </summary>
    void Offload<T>(Func<T> work, Action<T> then);

    /// <summary>Wall-clock milliseconds since the Unix epoch (only the leader reads it, to stamp proposals).</summary>
    long UtcNowMilliseconds { get; }
}
