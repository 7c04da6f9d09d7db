namespace OrleansKv.Grains.Kv;

/// <summary>
/// Everything a KV replica's answers depend on; a snapshot captures exactly this, and the
/// digest hashes exactly this.
/// </summary>
internal sealed class KvState
{
    public KvState()
    {
        Data = new Dictionary<byte[], StoredValue>(ByteKeyComparer.Instance);
        DataBySpan = Data.GetAlternateLookup<ReadOnlySpan<byte>>();
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
