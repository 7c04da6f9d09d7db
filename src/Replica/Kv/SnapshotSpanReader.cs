using System.Buffers.Binary;

namespace OrleansKv.Replica.Kv;

/// <summary>Reads what <see cref="SnapshotStreamWriter"/> wrote; anything out of bounds is an <see cref="InvalidDataException"/>.</summary>
internal ref struct SnapshotSpanReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position == _data.Length;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte() => Take(1)[0];

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong)));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    /// <summary>A count of entries that each take at least <paramref name="minimumEntryBytes"/>: it cannot exceed what is left.</summary>
    public int ReadCount(int minimumEntryBytes)
    {
        var count = ReadInt32();
        if (count < 0 || (long)count * minimumEntryBytes > Remaining)
            throw new InvalidDataException($"KV snapshot: entry count {count} does not fit in the {Remaining} bytes left");
        return count;
    }

    public ReadOnlySpan<byte> ReadSized() => Take(ReadInt32());

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length < 0 || length > Remaining)
            throw new InvalidDataException($"KV snapshot: truncated (wanted {length} bytes at offset {_position}, {Remaining} left)");
        var slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }
}
