namespace OrleansKv.Storage.RaftState;

/// <summary>
/// A snapshot's bytes as the <c>raft-snap-{generation}-{n}</c> states hold them: arrays of
/// <see cref="RaftStateNames.SnapshotChunkBytes"/> (the last one shorter). Each array is below the
/// large-object threshold, so taking and writing a snapshot never fragments the large-object heap,
/// and each becomes a state's value as it is, without a copy.
/// </summary>
internal sealed class SnapshotChunks
{
    private SnapshotChunks(List<byte[]> chunks, long length)
    {
        Chunks = chunks;
        Length = length;
    }

    public IReadOnlyList<byte[]> Chunks { get; }

    public long Length { get; }

    /// <summary>Cuts a snapshot held in one array (a leader's, or one taken in memory).</summary>
    public static SnapshotChunks Split(byte[] data)
    {
        var chunks = new List<byte[]>((int)((data.LongLength + RaftStateNames.SnapshotChunkBytes - 1) / RaftStateNames.SnapshotChunkBytes));
        for (long offset = 0; offset < data.LongLength; offset += RaftStateNames.SnapshotChunkBytes)
            chunks.Add(data.AsSpan((int)offset, (int)Math.Min(RaftStateNames.SnapshotChunkBytes, data.LongLength - offset)).ToArray());
        return new SnapshotChunks(chunks, data.LongLength);
    }

    /// <summary>Encodes a snapshot straight into chunks: <paramref name="write"/> must write exactly <paramref name="length"/> bytes.</summary>
    public static SnapshotChunks Encode(long length, Action<Stream> write)
    {
        using var stream = new ChunkingStream(length);
        write(stream);
        if (stream.Position != length) throw new InvalidOperationException($"the snapshot wrote {stream.Position} of {length} bytes");
        return new SnapshotChunks(stream.Chunks, length);
    }

    /// <summary>The bytes in one array, as a follower is sent them.</summary>
    public byte[] Join()
    {
        var data = new byte[Length];
        long offset = 0;
        foreach (var chunk in Chunks)
        {
            chunk.CopyTo(data, offset);
            offset += chunk.Length;
        }
        return data;
    }

    /// <summary>A write-only stream into chunk arrays sized for a known total.</summary>
    private sealed class ChunkingStream(long length) : Stream
    {
        private long _written;

        public List<byte[]> Chunks { get; } = [];

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > length) throw new InvalidOperationException($"the snapshot writes more than its {length} bytes");
            while (buffer.Length > 0)
            {
                var at = (int)(_written % RaftStateNames.SnapshotChunkBytes);
                if (at == 0) Chunks.Add(new byte[Math.Min(RaftStateNames.SnapshotChunkBytes, length - _written)]);
                var take = Math.Min(buffer.Length, Chunks[^1].Length - at);
                buffer[..take].CopyTo(Chunks[^1].AsSpan(at));
                buffer = buffer[take..];
                _written += take;
            }
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
