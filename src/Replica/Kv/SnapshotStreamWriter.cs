using System.Buffers.Binary;

namespace OrleansKv.Replica.Kv;

/// <summary>
/// Writes little-endian fields to a stream through a small buffer, hashing every byte (FNV-1a 64),
/// so a snapshot of any size is encoded without holding it in memory.
/// </summary>
internal sealed class SnapshotStreamWriter(Stream stream)
{
    private const int BufferBytes = 64 << 10;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private int _used;
    private Fnv1a64 _hash = new();

    /// <summary>Bytes written so far (buffered or not).</summary>
    public long Position { get; private set; }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(sizeof(int)), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(sizeof(ulong)), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(sizeof(long)), value);

    /// <summary>A 32-bit length, then the bytes.</summary>
    public void WriteSized(ReadOnlySpan<byte> bytes)
    {
        WriteInt32(bytes.Length);
        while (bytes.Length > 0)
        {
            if (_used == BufferBytes) Flush();
            var chunk = Math.Min(bytes.Length, BufferBytes - _used);
            bytes[..chunk].CopyTo(_buffer.AsSpan(_used));
            _used += chunk;
            Position += chunk;
            bytes = bytes[chunk..];
        }
    }

    /// <summary>Writes the hash of everything written before it (not hashed itself), then flushes.</summary>
    public void WriteChecksumAndFlush()
    {
        Flush();
        var checksum = _hash.Value;
        Span<byte> tail = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(tail, checksum);
        stream.Write(tail);
        Position += sizeof(ulong);
    }

    private Span<byte> Reserve(int count)
    {
        if (_used + count > BufferBytes) Flush();
        var span = _buffer.AsSpan(_used, count);
        _used += count;
        Position += count;
        return span;
    }

    private void Flush()
    {
        _hash.Add(_buffer.AsSpan(0, _used));
        stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
