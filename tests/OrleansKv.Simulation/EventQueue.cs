namespace OrleansKv.Simulation;

/// <summary>
/// The simulation's logical clock and agenda: events run in (time, insertion order), so a seed always
/// replays the same interleaving. Time is in logical milliseconds; nothing here reads a real clock.
/// </summary>
public sealed class EventQueue
{
    private readonly PriorityQueue<Action, (long Time, long Order)> _queue = new();
    private long _order;
    // The thread that queued the first event: every event must come from it, or the run no longer
    // replays from its seed (an await resumed on the thread pool, say). A stray one is reported by
    // the next TryNext, on the simulation's thread, instead of corrupting the queue.
    private int _thread;
    private string? _strayEvent;

    public long Now { get; private set; }

    public int Count => _queue.Count;

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> milliseconds (0: later in this millisecond).</summary>
    public void After(long delay, Action action)
    {
        if (delay < 0) throw new ArgumentOutOfRangeException(nameof(delay));
        ArgumentNullException.ThrowIfNull(action);
        if (_thread == 0) _thread = Environment.CurrentManagedThreadId;
        if (_thread != Environment.CurrentManagedThreadId)
        {
            _strayEvent ??= Environment.StackTrace;
            return;
        }
        _queue.Enqueue(action, (Now + delay, _order++));
    }

    /// <summary>Pops the next event no later than <paramref name="until"/>, advancing the clock to it.</summary>
    /// <exception cref="InvalidOperationException">An event was queued from another thread than the simulation's.</exception>
    public bool TryNext(long until, out Action action)
    {
        if (_strayEvent is { } stack) throw new InvalidOperationException($"an event was queued from a thread other than the simulation's, so the run is not deterministic:{Environment.NewLine}{stack}");
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
