namespace OrleansKv.Storage.Wal;

/// <summary>
/// A write-only stream onto a snapshot file that keeps a running CRC-32C of what passes through
/// and fsyncs every <c>syncEvery</c> bytes: one fsync of many megabytes would hold the disk for
/// the whole write, and every log fsync of the silo (and of silos sharing the disk) behind it.
/// </summary>
internal sealed class SyncingChecksumStream(FileStream file, uint crc, int syncEvery) : Stream
{
    private long _unsynced;

    public uint Crc { get; private set; } = crc;
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var chunk = (int)Math.Min(buffer.Length, syncEvery - _unsynced);
            file.Write(buffer[..chunk]);
            Crc = Crc32C.Append(Crc, buffer[..chunk]);
            Written += chunk;
            _unsynced += chunk;
            buffer = buffer[chunk..];
            if (_unsynced == syncEvery)
            {
                file.Flush(flushToDisk: true);
                _unsynced = 0;
            }
        }
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
