using System.Buffers;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// A write-only stream that collects a serialized state in pooled chunks (4 KiB growing to
/// 1 MiB), so a large state is held once, in pieces, and written to disk with one gathered write
/// without being copied into a single array. It can also wrap memory a serializer returned.
/// Dispose returns the chunks to the pool.
/// </summary>
internal sealed class PayloadBuffer : Stream
{
    private const int FirstChunk = 4096;
    private const int MaxChunk = 1024 * 1024;
    private readonly List<byte[]> _rented = [];
    private readonly List<ReadOnlyMemory<byte>> _segments = [];
    private byte[]? _current;
    private int _used;
    private int _unsealedFrom;
    private long _length;

    public static PayloadBuffer Wrap(ReadOnlyMemory<byte> memory)
    {
        var buffer = new PayloadBuffer();
        if (!memory.IsEmpty) buffer._segments.Add(memory);
        buffer._length = memory.Length;
        return buffer;
    }

    /// <summary>The filled parts, in order (valid until Dispose).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Segments
    {
        get
        {
            Seal();
            return _segments;
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_current is null || _used == _current.Length)
            {
                Seal();
                var size = _current is null ? FirstChunk : Math.Min(_current.Length * 2, MaxChunk);
                _current = ArrayPool<byte>.Shared.Rent(size);
                _rented.Add(_current);
                _used = 0;
                _unsealedFrom = 0;
            }
            var n = Math.Min(data.Length, _current.Length - _used);
            data[..n].CopyTo(_current.AsSpan(_used));
            _used += n;
            _length += n;
            data = data[n..];
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    // Moves the chunk being filled into the list of segments.
    private void Seal()
    {
        if (_current is null || _used == _unsealedFrom) return;
        _segments.Add(new ReadOnlyMemory<byte>(_current, _unsealedFrom, _used - _unsealedFrom));
        _unsealedFrom = _used;
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var chunk in _rented) ArrayPool<byte>.Shared.Return(chunk);
        _rented.Clear();
        _segments.Clear();
        _current = null;
        base.Dispose(disposing);
    }
}
