namespace OrleansKv.Raft;

/// <summary>
/// Leader-side ReadIndex requests waiting for a heartbeat round to confirm that this node was
/// still leader when they arrived (Raft thesis §6.4). Requests are confirmed in arrival order:
/// a quorum ack for one request confirms every request queued before it.
/// </summary>
internal sealed class ReadIndexQueue
{
    private sealed class PendingRead(ulong index, Message request)
    {
        public ulong Index { get; } = index;
        public Message Request { get; } = request;
        public HashSet<ulong> Acks { get; } = [];
    }

    private readonly Dictionary<string, PendingRead> _byContext = [];
    private readonly Queue<string> _order = new();

    public int Count => _order.Count;

    /// <summary>Context of the newest pending read: heartbeats carry it so a lost round of acks is retried.</summary>
    public byte[]? LastContext { get; private set; }

    private static string Key(byte[] context) => Convert.ToBase64String(context);

    /// <summary>Queues a request to be served at <paramref name="commitIndex"/>, acked by the leader itself. False for a duplicate context.</summary>
    public bool Add(ulong commitIndex, Message request, ulong self)
    {
        var key = Key(request.Context!);
        if (_byContext.ContainsKey(key)) return false;
        var read = new PendingRead(commitIndex, request);
        read.Acks.Add(self);
        _byContext[key] = read;
        _order.Enqueue(key);
        LastContext = request.Context;
        return true;
    }

    /// <summary>Records a heartbeat ack carrying <paramref name="context"/>; returns how many voters have acked it.</summary>
    public int RecordAck(ulong from, byte[] context, Membership membership)
    {
        if (!_byContext.TryGetValue(Key(context), out var read)) return 0;
        read.Acks.Add(from);
        var count = 0;
        foreach (var id in read.Acks) if (membership.IsVoter(id)) count++;
        return count;
    }

    /// <summary>Removes and returns every request up to and including the one with <paramref name="context"/>.</summary>
    public List<(ulong Index, Message Request)> ReleaseThrough(byte[] context)
    {
        var released = new List<(ulong, Message)>();
        var key = Key(context);
        if (!_byContext.ContainsKey(key)) return released;
        while (_order.Count > 0)
        {
            var next = _order.Dequeue();
            var read = _byContext[next];
            _byContext.Remove(next);
            released.Add((read.Index, read.Request));
            if (next == key) break;
        }
        if (_order.Count == 0) LastContext = null;
        return released;
    }

    /// <summary>Empties the queue (leadership lost) and returns what was pending.</summary>
    public List<Message> Clear()
    {
        var dropped = new List<Message>(_order.Count);
        foreach (var key in _order) dropped.Add(_byContext[key].Request);
        _order.Clear();
        _byContext.Clear();
        LastContext = null;
        return dropped;
    }
}
