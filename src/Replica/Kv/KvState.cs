namespace OrleansKv.Replica.Kv;

/// <summary>
/// Everything a KV replica's answers depend on; a snapshot captures exactly this, and the
/// digest hashes exactly this.
/// </summary>
internal sealed class KvState
{
    public KvState()
        : this(new Dictionary<byte[], StoredValue>(ByteKeyComparer.Instance))
    {
    }

    private KvState(Dictionary<byte[], StoredValue> data)
    {
        Data = data;
        DataBySpan = Data.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>
    /// A copy that later applies do not change, for encoding a snapshot off the grain's turn. Keys
    /// and values are immutable, so the data is copied shallowly; sessions are mutable and copied whole.
    /// </summary>
    public KvState Freeze()
    {
        var copy = new KvState(new Dictionary<byte[], StoredValue>(Data, ByteKeyComparer.Instance))
        {
            AppliedIndex = AppliedIndex,
            ClockMs = ClockMs,
            LastSweepMs = LastSweepMs,
        };
        foreach (var (id, session) in Sessions) copy.Sessions[id] = session.Clone();
        return copy;
    }

    public ulong AppliedIndex { get; set; }

    /// <summary>The largest proposed_at_unix_ms applied so far: the state machine's only clock.</summary>
    public long ClockMs { get; set; }

    /// <summary>The clock when expired sessions were last swept.</summary>
    public long LastSweepMs { get; set; }

    public Dictionary<byte[], StoredValue> Data { get; }

    /// <summary>The same dictionary, looked up by span so that lookups do not copy the key.</summary>
    public Dictionary<byte[], StoredValue>.AlternateLookup<ReadOnlySpan<byte>> DataBySpan { get; }

    public Dictionary<ulong, KvSession> Sessions { get; } = [];
}
