namespace OrleansKv.Replica.Kv;

/// <summary>A measured KV snapshot, ready to be streamed: exactly <see cref="Length"/> bytes, written by <see cref="WriteTo"/>.</summary>
public sealed class KvSnapshotEncoding
{
    private readonly Action<Stream> _write;

    internal KvSnapshotEncoding(long length, Action<Stream> write)
    {
        Length = length;
        _write = write;
    }

    public long Length { get; }

    public void WriteTo(Stream stream) => _write(stream);
}
