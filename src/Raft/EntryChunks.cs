namespace OrleansKv.Raft;

/// <summary>
/// In-memory log entries as a deque of fixed-size chunks. A <see cref="List{T}"/> of
/// 100,000 entries grows by doubling: it copies the log on every growth, holds two arrays during
/// the copy, keeps its largest capacity after compaction, and lives in the large-object heap.
/// Here an append never moves what is there, each chunk stays below the large-object threshold,
/// and compaction frees whole chunks.
/// </summary>
internal sealed class EntryChunks
{
    // 1,024 entries of 32 bytes: 32 KiB a chunk, under the 85,000-byte large-object threshold.
    private const int ChunkSize = 1024;

    private readonly List<Entry[]> _chunks = [];
    private int _head; // the position of entry 0 in _chunks[0]

    public int Count { get; private set; }

    public Entry this[int index]
    {
        get
        {
            CheckIndex(index);
            var position = _head + index;
            return _chunks[position / ChunkSize][position % ChunkSize];
        }
        set
        {
            CheckIndex(index);
            var position = _head + index;
            _chunks[position / ChunkSize][position % ChunkSize] = value;
        }
    }

    public void Add(Entry entry)
    {
        var position = _head + Count;
        if (position == _chunks.Count * ChunkSize) _chunks.Add(new Entry[ChunkSize]);
        _chunks[position / ChunkSize][position % ChunkSize] = entry;
        Count++;
    }

    /// <summary>Removes the first <paramref name="count"/> entries.</summary>
    public void RemoveFirst(int count)
    {
        if (count < 0 || count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        ClearSlots(0, count);
        _head += count;
        Count -= count;
        var emptyChunks = _head / ChunkSize;
        if (emptyChunks > 0)
        {
            _chunks.RemoveRange(0, emptyChunks);
            _head -= emptyChunks * ChunkSize;
        }
        if (Count == 0) Clear();
    }

    /// <summary>Removes the last <paramref name="count"/> entries.</summary>
    public void RemoveLast(int count)
    {
        if (count < 0 || count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        ClearSlots(Count - count, count);
        Count -= count;
        var chunksNeeded = (_head + Count + ChunkSize - 1) / ChunkSize;
        if (chunksNeeded < _chunks.Count) _chunks.RemoveRange(chunksNeeded, _chunks.Count - chunksNeeded);
        if (Count == 0) Clear();
    }

    public void Clear()
    {
        _chunks.Clear();
        _head = 0;
        Count = 0;
    }

    // Removed slots drop their payload references, so the bytes can be collected at once.
    private void ClearSlots(int start, int count)
    {
        for (var i = start; i < start + count; i++) this[i] = default;
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} outside [0, {Count})");
    }
}
