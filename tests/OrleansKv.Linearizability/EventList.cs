namespace OrleansKv.Linearizability;

/// <summary>
/// The call and return events of one key's operations, sorted by time, as a doubly linked list over arrays.
/// Linearizing an operation unlinks its two events; backtracking relinks them in reverse order (dancing links),
/// so both are O(1) and the list never needs copying.
/// </summary>
/// <remarks>
/// Events are numbered 1..n; 0 is the head sentinel and n + 1 the end sentinel. At equal timestamps calls sort
/// before returns, so operations that touch the same instant count as concurrent. Operations with an unknown
/// outcome have no return event: they never force the search to backtrack.
/// </remarks>
internal sealed class EventList
{
    private const int Head = 0;

    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int[] _operationOf;
    private readonly bool[] _isCall;
    private readonly int[] _callEventOf;
    private readonly int[] _returnEventOf;

    public EventList(ReadOnlySpan<long> callTimes, ReadOnlySpan<long> returnTimes)
    {
        var operationCount = callTimes.Length;
        var events = new List<(long Time, int Order, int Operation)>(operationCount * 2);
        for (var op = 0; op < operationCount; op++)
        {
            events.Add((callTimes[op], 0, op));
            if (returnTimes[op] != KvOperation.NeverReturned)
            {
                events.Add((returnTimes[op], 1, op));
            }
        }

        events.Sort();

        End = events.Count + 1;
        _next = new int[events.Count + 2];
        _prev = new int[events.Count + 2];
        _operationOf = new int[events.Count + 2];
        _isCall = new bool[events.Count + 2];
        _callEventOf = new int[operationCount];
        _returnEventOf = new int[operationCount];
        Array.Fill(_returnEventOf, -1);

        for (var i = 0; i <= End; i++)
        {
            _next[i] = Math.Min(i + 1, End);
            _prev[i] = Math.Max(i - 1, Head);
        }

        for (var i = 0; i < events.Count; i++)
        {
            var (_, order, op) = events[i];
            var id = i + 1;
            _operationOf[id] = op;
            _isCall[id] = order == 0;
            if (order == 0)
            {
                _callEventOf[op] = id;
            }
            else
            {
                _returnEventOf[op] = id;
            }
        }
    }

    /// <summary>The end sentinel: reached when scanning past the last remaining event.</summary>
    public int End { get; }

    public int First => _next[Head];

    public int Next(int eventId) => _next[eventId];

    public int OperationOf(int eventId) => _operationOf[eventId];

    public bool IsCall(int eventId) => _isCall[eventId];

    public int CallEventOf(int operation) => _callEventOf[operation];

    /// <summary>Removes the operation's events: it is linearized.</summary>
    public void Lift(int operation)
    {
        Unlink(_callEventOf[operation]);
        var returnEvent = _returnEventOf[operation];
        if (returnEvent >= 0)
        {
            Unlink(returnEvent);
        }
    }

    /// <summary>Undoes the most recent <see cref="Lift"/> still in effect, which must be for this operation.</summary>
    public void Unlift(int operation)
    {
        var returnEvent = _returnEventOf[operation];
        if (returnEvent >= 0)
        {
            Relink(returnEvent);
        }

        Relink(_callEventOf[operation]);
    }

    private void Unlink(int eventId)
    {
        _next[_prev[eventId]] = _next[eventId];
        _prev[_next[eventId]] = _prev[eventId];
    }

    // The removed event still remembers its neighbours, which are linked again when lifts are undone in LIFO order.
    private void Relink(int eventId)
    {
        _next[_prev[eventId]] = eventId;
        _prev[_next[eventId]] = eventId;
    }
}
