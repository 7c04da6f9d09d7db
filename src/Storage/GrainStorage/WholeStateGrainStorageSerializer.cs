using Orleans.Storage;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// A grain storage serializer that offers only the whole-buffer half of the one it wraps, so a
/// provider that would deserialize a state straight from its network stream reads the state whole
/// first, asynchronously, and deserializes it from memory.
/// </summary>
/// <remarks>
/// Orleans's Azure Blob provider streams when its serializer can: with the default JSON serializer
/// that is a synchronous read of the HTTP response on a thread-pool thread, one blocked thread for
/// each read in flight, and a replica reads 32 states at once while it recovers. Wrapped, the
/// provider reads each blob into a pooled buffer with asynchronous I/O. The bytes stored are the
/// same as the wrapped serializer's, so existing states read back unchanged.
/// </remarks>
public sealed class WholeStateGrainStorageSerializer(IGrainStorageSerializer inner) : IGrainStorageSerializer
{
    /// <summary>The serializer that does the work.</summary>
    public IGrainStorageSerializer Inner { get; } = inner is WholeStateGrainStorageSerializer whole ? whole.Inner : inner;

    /// <inheritdoc/>
    public BinaryData Serialize<T>(T? input) => Inner.Serialize(input);

    /// <inheritdoc/>
    public T? Deserialize<T>(BinaryData input) => Inner.Deserialize<T>(input);
}
