using System.Threading.Channels;

namespace OrleansKv.Silo.Transport;

/// <summary>
/// A multi-producer, single-consumer FIFO bounded by the bytes it holds rather than by item
/// count: one Raft message may be a heartbeat or a multi-megabyte snapshot.
/// </summary>
internal sealed class BoundedByteQueue<T>
{
    private readonly Channel<(T Item, int Size)> _channel =
        Channel.CreateUnbounded<(T Item, int Size)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly long _limit;
    private long _bytes;

    public BoundedByteQueue(long limit) => _limit = limit;

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>False (and nothing queued) when the item would take the queue over its limit, or the queue is completed.</summary>
    public bool TryEnqueue(T item, int size)
    {
        // Reserve first so concurrent producers cannot overshoot the limit together.
        if (Interlocked.Add(ref _bytes, size) > _limit)
        {
            Interlocked.Add(ref _bytes, -size);
            return false;
        }
        if (_channel.Writer.TryWrite((item, size))) return true;
        Interlocked.Add(ref _bytes, -size);
        return false;
    }

    /// <summary>Completes when an item is available (true) or the queue is completed and empty (false).</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) =>
        _channel.Reader.WaitToReadAsync(cancellationToken);

    public bool TryPeekSize(out int size)
    {
        if (_channel.Reader.TryPeek(out var head))
        {
            size = head.Size;
            return true;
        }
        size = 0;
        return false;
    }

    public bool TryDequeue(out T item)
    {
        if (_channel.Reader.TryRead(out var head))
        {
            Interlocked.Add(ref _bytes, -head.Size);
            item = head.Item;
            return true;
        }
        item = default!;
        return false;
    }

    /// <summary>Refuses further items; the consumer still drains what is queued.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
