using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace OrleansKv.Contracts;

/// <summary>
/// Length-prefixed protobuf frames: a 4-byte little-endian length, then the encoded <see cref="Frame"/>.
/// One codec for silo-to-silo and client-to-silo connections.
/// </summary>
public static class FrameCodec
{
    /// <summary>Frames larger than this are refused on both ends (a corrupt or hostile length).</summary>
    public const int DefaultMaxFrameBytes = 64 << 20;

    public const int HeaderBytes = 4;

    /// <summary>Appends one frame (header and body) to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, Frame frame)
    {
        var size = frame.CalculateSize();
        var span = output.GetSpan(HeaderBytes + size);
        BinaryPrimitives.WriteInt32LittleEndian(span, size);
        frame.WriteTo(span.Slice(HeaderBytes, size));
        output.Advance(HeaderBytes + size);
    }

    /// <summary>Encodes one frame into a new array (header included).</summary>
    public static byte[] ToArray(Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        Write(writer, frame);
        return writer.WrittenSpan.ToArray();
    }
}

/// <summary>Reads frames from a stream through its own buffer; not thread-safe (one reader per connection).</summary>
public sealed class FrameReader
{
    private readonly Stream _stream;
    private readonly int _maxFrameBytes;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public FrameReader(Stream stream, int maxFrameBytes = FrameCodec.DefaultMaxFrameBytes)
    {
        _stream = stream;
        _maxFrameBytes = maxFrameBytes;
    }

    /// <summary>The next frame, or null when the peer closed the connection cleanly between frames.</summary>
    /// <exception cref="InvalidDataException">The length is out of range, the body is not a frame, or the stream ended mid-frame.</exception>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(FrameCodec.HeaderBytes, cancellationToken))
        {
            if (_end == _start) return null;
            throw new InvalidDataException("connection closed inside a frame header");
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start, FrameCodec.HeaderBytes));
        if (length < 0 || length > _maxFrameBytes)
            throw new InvalidDataException($"frame length {length} outside [0, {_maxFrameBytes}]");
        if (!await FillAsync(FrameCodec.HeaderBytes + length, cancellationToken))
            throw new InvalidDataException("connection closed inside a frame body");
        Frame frame;
        try
        {
            frame = Frame.Parser.ParseFrom(_buffer, _start + FrameCodec.HeaderBytes, length);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"malformed frame: {e.Message}", e);
        }
        _start += FrameCodec.HeaderBytes + length;
        return frame;
    }

    // Ensures at least `count` unread bytes are buffered; false if the stream ended first.
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count) return true;
        if (_buffer.Length - _start < count)
        {
            // Compact, and grow if the frame does not fit the buffer at all.
            var target = _buffer.Length < count ? Math.Max(count, _buffer.Length * 2) : _buffer.Length;
            var next = target == _buffer.Length ? _buffer : new byte[target];
            Buffer.BlockCopy(_buffer, _start, next, 0, _end - _start);
            _end -= _start;
            _start = 0;
            _buffer = next;
        }
        while (_end - _start < count)
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0) return false;
            _end += read;
        }
        return true;
    }
}
