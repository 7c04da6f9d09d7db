namespace OrleansKv.Silo.Faults;

/// <summary>
/// A connection of the co-hosted gateway's client that fails, like a cut network, while the
/// silo is isolated by the test fault switch. Only used when test faults are enabled.
/// </summary>
internal sealed class IsolatableStream(Stream inner, Func<bool> isIsolated) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    private void ThrowIfIsolated()
    {
        if (isIsolated()) throw new IOException("the silo is isolated from its peers (test fault)");
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfIsolated();
        var read = await inner.ReadAsync(buffer, cancellationToken);
        ThrowIfIsolated();
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfIsolated();
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) { ThrowIfIsolated(); return inner.Read(buffer, offset, count); }
    public override void Write(byte[] buffer, int offset, int count) { ThrowIfIsolated(); inner.Write(buffer, offset, count); }
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
