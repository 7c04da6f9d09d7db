using System.Buffers.Binary;

namespace OrleansKv.Replica.Kv;

/// <summary>64-bit FNV-1a: a simple, fixed (unseeded) hash, so every process computes the same value.</summary>
internal struct Fnv1a64
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    private ulong _hash;

    public Fnv1a64() => _hash = OffsetBasis;

    public readonly ulong Value => _hash;

    public void Add(ReadOnlySpan<byte> bytes)
    {
        var hash = _hash;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= Prime;
        }
        _hash = hash;
    }

    public void Add(ulong value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        Add(buffer);
    }

    public void Add(long value) => Add(unchecked((ulong)value));

    /// <summary>Adds a length prefix then the bytes, so adjacent fields cannot blur into each other.</summary>
    public void AddSized(ReadOnlySpan<byte> bytes)
    {
        Add((ulong)bytes.Length);
        Add(bytes);
    }

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var hash = new Fnv1a64();
        hash.Add(bytes);
        return hash.Value;
    }
}
