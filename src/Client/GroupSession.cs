namespace OrleansKv.Client;

/// <summary>
/// This client's exactly-once session with one group: hands out increasing sequence numbers and
/// tracks which are still awaiting an answer, so each request can tell the group the lowest
/// sequence it may still retry (acked_below) and the group can forget older answers.
/// </summary>
internal sealed class GroupSession
{
    private readonly SortedSet<ulong> _inFlight = [];
    private ulong _next = 1;
    private volatile bool _established;

    /// <summary>
    /// True once the group has answered one of this client's writes, so it holds a session for it.
    /// Until then requests ask the group to open one; after, a write the group has no session for
    /// (it expired) is refused instead of being applied, because it may be a retry whose first
    /// answer went with the expired session.
    /// </summary>
    public bool Established => _established;

    public void MarkEstablished() => _established = true;

    /// <summary>The group said the session expired: the next request opens a new one.</summary>
    public void Reset() => _established = false;

    public ulong Begin()
    {
        lock (_inFlight)
        {
            var sequence = _next++;
            _inFlight.Add(sequence);
            return sequence;
        }
    }

    /// <summary>The request's outcome is settled for the caller (answered, or given up on).</summary>
    public void End(ulong sequence)
    {
        lock (_inFlight) _inFlight.Remove(sequence);
    }

    public ulong AckedBelow
    {
        get { lock (_inFlight) return _inFlight.Count > 0 ? _inFlight.Min : _next; }
    }
}
