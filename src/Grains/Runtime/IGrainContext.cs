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

    /// <summary>Wall-clock milliseconds since the Unix epoch (only the leader reads it, to stamp proposals).</summary>
    long UtcNowMilliseconds { get; }
}
