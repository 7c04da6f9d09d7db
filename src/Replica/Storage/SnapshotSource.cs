namespace OrleansKv.Replica.Storage;

/// <summary>
/// A local snapshot's bytes, produced as they are read: every stream <see cref="Open"/> returns
/// yields the same <see cref="Length"/> bytes, on any thread. A store pulls them as it writes
/// them, so the whole snapshot is never held in memory at once.
/// </summary>
public sealed class SnapshotSource
{
    private readonly Func<Stream> _open;

    public SnapshotSource(long length, Func<Stream> open)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentNullException.ThrowIfNull(open);
        Length = length;
        _open = open;
    }

    /// <summary>How many bytes every stream yields.</summary>
    public long Length { get; }

    /// <summary>A new stream over the bytes, from the first.</summary>
    public Stream Open() => _open();

    /// <summary>Bytes already in memory.</summary>
    public static SnapshotSource FromBytes(byte[] data) => new(data.LongLength, () => new MemoryStream(data, writable: false));

    /// <summary>Reads one chunk of <paramref name="into"/>'s length; the stream must still hold that many bytes.</summary>
    /// <exception cref="InvalidOperationException">The stream ended early: it yields fewer bytes than its length.</exception>
    public void ReadExactly(Stream stream, Span<byte> into)
    {
        try
        {
            stream.ReadExactly(into);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidOperationException($"the snapshot's stream ended before its {Length} bytes", e);
        }
    }

    /// <summary>Checks that a stream read up to <see cref="Length"/> has nothing after it.</summary>
    /// <exception cref="InvalidOperationException">The stream yields more bytes than its length.</exception>
    public void EnsureEnded(Stream stream)
    {
        if (stream.ReadByte() >= 0) throw new InvalidOperationException($"the snapshot's stream yields more than its {Length} bytes");
    }

    /// <summary>All the bytes in one array (for a store that keeps its snapshots in memory).</summary>
    public byte[] ReadAll()
    {
        if (Length > Array.MaxLength) throw new InvalidOperationException($"a {Length}-byte snapshot does not fit in one array");
        var data = new byte[Length];
        using var stream = Open();
        ReadExactly(stream, data);
        EnsureEnded(stream);
        return data;
    }
}
