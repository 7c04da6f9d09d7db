namespace OrleansKv.Replica.Kv;

/// <summary>
/// A read-only stream whose bytes a producer writes one step at a time: a read runs steps until
/// it has what it asked for, so only about a step's worth of bytes beyond the read is held. The
/// producer is an iterator over a sink stream; each item it yields ends a step.
/// </summary>
internal sealed class SteppedReadStream : Stream
{
    private readonly ByteQueue _pending = new();
    private readonly IEnumerator<bool> _steps;
    private bool _finished;

    public SteppedReadStream(Func<Stream, IEnumerable<bool>> produce)
    {
        _steps = produce(_pending).GetEnumerator();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_pending.Count < buffer.Length && !_finished) _finished = !_steps.MoveNext();
        return _pending.Take(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _steps.Dispose();
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Bytes written by the producer and not read yet, in one array that grows only as far as one step needs.</summary>
    private sealed class ByteQueue : Stream
    {
        private byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        public int Count => _end - _start;

        public int Take(Span<byte> into)
        {
            var count = Math.Min(into.Length, Count);
            _buffer.AsSpan(_start, count).CopyTo(into);
            _start += count;
            if (_start == _end) _start = _end = 0;
            return count;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> bytes)
        {
            if (_end + bytes.Length > _buffer.Length)
            {
                // Move what is left to the front, and grow only if that is not enough.
                var target = Count + bytes.Length > _buffer.Length ? new byte[Math.Max(_buffer.Length * 2, Count + bytes.Length)] : _buffer;
                _buffer.AsSpan(_start, Count).CopyTo(target);
                (_buffer, _end, _start) = (target, Count, 0);
            }
            bytes.CopyTo(_buffer.AsSpan(_end));
            _end += bytes.Length;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
