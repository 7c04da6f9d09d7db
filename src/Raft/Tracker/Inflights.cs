namespace OrleansKv.Raft.Tracker;

/// <summary>
/// The AppendEntries sent to one follower and not yet acknowledged, as the last index each carried.
/// A fixed-size ring: when full, the leader stops sending to that follower until acks free room,
/// which bounds both memory and the work a slow follower can make the leader do.
/// </summary>
internal sealed class Inflights
{
    private readonly ulong[] _ring;
    private int _start;

    public Inflights(int capacity)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity));
        _ring = new ulong[capacity];
    }

    public int Count { get; private set; }
    public int Capacity => _ring.Length;
    public bool IsFull => Count == _ring.Length;

    public void Add(ulong lastIndex)
    {
        if (IsFull) throw new InvalidOperationException("inflight window is full");
        _ring[(_start + Count) % _ring.Length] = lastIndex;
        Count++;
    }

    /// <summary>Frees every message whose last index is at most <paramref name="index"/>.</summary>
    public void FreeUpTo(ulong index)
    {
        while (Count > 0 && _ring[_start] <= index)
        {
            _start = (_start + 1) % _ring.Length;
            Count--;
        }
        if (Count == 0) _start = 0;
    }

    /// <summary>Frees the oldest message (its ack is presumed lost).</summary>
    public void FreeFirst()
    {
        if (Count == 0) return;
        FreeUpTo(_ring[_start]);
    }

    public void Reset()
    {
        Count = 0;
        _start = 0;
    }
}
