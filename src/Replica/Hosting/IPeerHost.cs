namespace OrleansKv.Replica.Hosting;

/// <summary>
/// What the host of a <see cref="RaftPeer"/> gives it: a way to schedule work as a later turn of
/// the peer (so callbacks from storage run one at a time with everything else the peer does),
/// a way to run work off its turns, and the clock. In a silo the Orleans grain shell fills it
/// with the activation's task scheduler; the simulation with its seeded event queue.
/// </summary>
public interface IPeerHost
{
    /// <summary>Queues <paramref name="work"/> to run as a later turn of this peer. Safe from any thread.</summary>
    void Post(Action work);

    /// <summary>
    /// Runs <paramref name="work"/> off the peer's turns (it must touch nothing the peer owns),
    /// then queues <paramref name="then"/> with its result as a turn. A silo uses the thread pool;
    /// the simulation runs the work at once, so a seed still replays the same run.
    /// </summary>
    void Offload<T>(Func<T> work, Action<T> then);

    /// <summary>Wall-clock milliseconds since the Unix epoch (only the leader reads it, to stamp proposals).</summary>
    long UtcNowMilliseconds { get; }
}
