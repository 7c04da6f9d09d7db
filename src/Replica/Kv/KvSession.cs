namespace OrleansKv.Replica.Kv;

/// <summary>
/// One client's exactly-once state: the answers to its applied writes, by sequence, from its
/// acknowledged horizon up. Sequences below the horizon are never applied again.
/// </summary>
internal sealed class KvSession
{
    private readonly Dictionary<ulong, StoredAnswer> _answers = [];
    // The stored sequences, smallest first: raising the horizon and trimming both drop from the bottom.
    private readonly PriorityQueue<ulong, ulong> _sequences = new();

    public KvSession(ulong clientId, long lastActiveMs)
    {
        ClientId = clientId;
        LastActiveMs = lastActiveMs;
    }

    public ulong ClientId { get; }

    /// <summary>Every sequence below this one is answered and forgotten.</summary>
    public ulong Horizon { get; private set; }

    /// <summary>The state machine clock when the client last sent a command.</summary>
    public long LastActiveMs { get; set; }

    public int AnswerCount => _answers.Count;

    /// <summary>Moves the horizon up (never down) and frees the answers below it.</summary>
    public void RaiseHorizon(ulong ackedBelow)
    {
        if (ackedBelow <= Horizon) return;
        Horizon = ackedBelow;
        while (_sequences.TryPeek(out var smallest, out _) && smallest < Horizon)
        {
            _sequences.Dequeue();
            _answers.Remove(smallest);
        }
    }

    public bool TryGetAnswer(ulong sequence, out StoredAnswer answer) => _answers.TryGetValue(sequence, out answer);

    /// <summary>
    /// Stores the answer for <paramref name="sequence"/> (at or above the horizon, not stored yet).
    /// Over <paramref name="maxAnswers"/>, the smallest sequence is dropped and the horizon moves
    /// past it, so a late retry of it gets STALE_SEQUENCE instead of being applied a second time.
    /// </summary>
    public void Remember(ulong sequence, StoredAnswer answer, int maxAnswers)
    {
        _answers.Add(sequence, answer);
        _sequences.Enqueue(sequence, sequence);
        while (_answers.Count > maxAnswers)
        {
            var oldest = _sequences.Dequeue();
            _answers.Remove(oldest);
            Horizon = oldest + 1;
        }
    }

    /// <summary>An independent copy (answers are immutable; the bookkeeping is copied).</summary>
    public KvSession Clone()
    {
        var copy = new KvSession(ClientId, LastActiveMs) { Horizon = Horizon };
        foreach (var (sequence, answer) in _answers)
        {
            copy._answers.Add(sequence, answer);
            copy._sequences.Enqueue(sequence, sequence);
        }
        return copy;
    }

    /// <summary>Restores a horizon read from a snapshot, before its answers are put back.</summary>
    public void RestoreHorizon(ulong horizon) => Horizon = horizon;

    /// <summary>The stored sequences in ascending order (snapshots and digests need a canonical order).</summary>
    public ulong[] SortedSequences()
    {
        var sequences = new ulong[_answers.Count];
        _answers.Keys.CopyTo(sequences, 0);
        Array.Sort(sequences);
        return sequences;
    }
}
