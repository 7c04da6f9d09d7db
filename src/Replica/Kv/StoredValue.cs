using Google.Protobuf;

namespace OrleansKv.Replica.Kv;

/// <summary>A key's value and version (the log index of the entry that last wrote it).</summary>
/// <remarks>ByteString is immutable, so a put keeps the request's bytes and a get hands them out without copying.</remarks>
internal readonly record struct StoredValue(ByteString Value, ulong Version);
