using OrleansKv.Contracts;

namespace OrleansKv.Replica;

/// <summary>
/// Client requests a peer grain has taken on and not answered yet: writes by the log index they
/// were appended at, linearizable reads by their ReadIndex context, and all of them by deadline.
/// Every request is answered exactly once: by its outcome, by a leadership change, or by its deadline.
/// </summary>
internal sealed class PendingRequests
{
    private sealed class Pending(KvRequest request, Action<KvResponse> reply, ulong term, long deadline, KvCommand? command = null)
    {
        public KvRequest Request { get; } = request;
        /// <summary>A write's command as proposed (null for a read).</summary>
        public KvCommand? Command { get; } = command;
        public Action<KvResponse> Reply { get; } = reply;
        public ulong Term { get; } = term;
        public long Deadline { get; } = deadline;
        public bool Answered { get; private set; }

        public void Answer(KvResponse response)
        {
            if (Answered) return;
            Answered = true;
            Reply(response);
        }
    }

    private readonly Dictionary<ulong, Pending> _writesByIndex = [];
    private readonly Dictionary<ulong, List<Pending>> _readsByContext = [];
    // Reads confirmed by ReadIndex, waiting for the state machine to apply up to their index.
    private readonly PriorityQueue<Pending, ulong> _confirmedReads = new();
    // Deadlines only grow (now + a fixed timeout), so a FIFO queue is ordered by deadline.
    private readonly Queue<Pending> _byDeadline = new();
    private ulong _nextReadContext = 1;

    public int Count => _writesByIndex.Count + _readsByContext.Count + _confirmedReads.Count;

    public void AddWrite(ulong index, ulong term, KvCommand command, Action<KvResponse> reply, long deadline)
    {
        var pending = new Pending(command.Request, reply, term, deadline, command);
        _writesByIndex[index] = pending;
        _byDeadline.Enqueue(pending);
    }

    /// <summary>Registers a batch of reads that share one ReadIndex; returns the context to hand to it.</summary>
    public ulong AddReads(IReadOnlyList<ClientCall> reads)
    {
        var context = _nextReadContext++;
        var batch = new List<Pending>(reads.Count);
        foreach (var (request, reply, deadline) in reads)
        {
            var pending = new Pending(request, reply, 0, deadline);
            batch.Add(pending);
            _byDeadline.Enqueue(pending);
        }
        _readsByContext[context] = batch;
        return context;
    }

    /// <summary>
    /// The command this replica proposed as the entry at <paramref name="index"/> of
    /// <paramref name="term"/>, if it still waits for it: what that entry's bytes encode, so the
    /// leader can apply it without decoding them. Null when the entry is not a proposal of ours.
    /// </summary>
    public KvCommand? ProposedAt(ulong index, ulong term) =>
        _writesByIndex.TryGetValue(index, out var pending) && pending.Term == term ? pending.Command : null;

    /// <summary>The entry at <paramref name="index"/> was applied: answer the write waiting for it, if it is the same entry.</summary>
    public void CompleteWrite(ulong index, ulong term, KvResponse response)
    {
        if (!_writesByIndex.Remove(index, out var pending)) return;
        // Another term's entry at our index means our proposal was overwritten: never applied.
        pending.Answer(pending.Term == term ? response : Retry(KvStatus.NotLeader, "the write was overwritten by a new leader; retry"));
    }

    public void ConfirmRead(ulong context, ulong readIndex)
    {
        if (!_readsByContext.Remove(context, out var batch)) return;
        foreach (var pending in batch) _confirmedReads.Enqueue(pending, readIndex);
    }

    public void DropRead(ulong context, KvResponse response)
    {
        if (!_readsByContext.Remove(context, out var batch)) return;
        foreach (var pending in batch) pending.Answer(response.Clone());
    }

    /// <summary>Serves every confirmed read whose index the state machine has reached.</summary>
    public void ServeReads(ulong applied, Func<KvRequest, KvResponse> read)
    {
        while (_confirmedReads.TryPeek(out var pending, out var index) && index <= applied)
        {
            _confirmedReads.Dequeue();
            pending.Answer(read(pending.Request));
        }
    }

    /// <summary>Answers every request whose deadline has passed: writes TIMEOUT (outcome unknown), reads UNAVAILABLE.</summary>
    public void ExpireBefore(long now)
    {
        while (_byDeadline.TryPeek(out var pending) && (pending.Answered || pending.Deadline <= now))
        {
            _byDeadline.Dequeue();
            if (pending.Answered) continue;
            pending.Answer(IsWrite(pending.Request)
                ? Retry(KvStatus.Timeout, "no answer before the deadline; the write may or may not have been applied")
                : Retry(KvStatus.Unavailable, "the read could not be confirmed by a quorum before the deadline"));
        }
        if (_byDeadline.Count == 0) { _writesByIndex.Clear(); _readsByContext.Clear(); _confirmedReads.Clear(); }
    }

    /// <summary>Leadership was lost: answers everything with a retryable status (writes may still commit; a retry is deduplicated).</summary>
    public void FailAll(KvResponse response)
    {
        foreach (var pending in _writesByIndex.Values) pending.Answer(response.Clone());
        foreach (var batch in _readsByContext.Values)
            foreach (var pending in batch) pending.Answer(response.Clone());
        while (_confirmedReads.TryDequeue(out var pending, out _)) pending.Answer(response.Clone());
        _writesByIndex.Clear();
        _readsByContext.Clear();
        _byDeadline.Clear();
    }

    private static bool IsWrite(KvRequest request) => request.Operation != KvOperation.Get;

    internal static KvResponse Retry(KvStatus status, string message) => new() { Status = status, Message = message };
}
