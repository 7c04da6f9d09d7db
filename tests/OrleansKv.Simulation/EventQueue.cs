namespace OrleansKv.Simulation;

/// <summary>
/// The simulation's logical clock and agenda: events run in (time, insertion order), so a seed always
/// replays the same interleaving. Time is in logical milliseconds; nothing here reads a real clock.
/// </summary>
public sealed class EventQueue
{
    private readonly PriorityQueue<Action, (long Time, long Order)> _queue = new();
    private long _order;

    public long Now { get; private set; }

    public int Count => _queue.Count;

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> milliseconds (0: later in this millisecond).</summary>
    public void After(long delay, Action action)
    {
        if (delay < 0) throw new ArgumentOutOfRangeException(nameof(delay));
        _queue.Enqueue(action, (Now + delay, _order++));
    }

    /// <summary>Pops the next event no later than <paramref name="until"/>, advancing the clock to it.</summary>
    public bool TryNext(long until, out Action action)
    {
        if (_queue.TryPeek(out _, out var at) && at.Time <= until)
        {
            action = _queue.Dequeue();
            Now = at.Time;
            return true;
        }
        action = null!;
        return false;
    }
}
