using System.Runtime.InteropServices;
using Google.Protobuf;

namespace OrleansKv.Replica.Kv;

/// <summary>A key's value and version (the log index of the entry that last wrote it).</summary>
/// <remarks>
/// The value is the bare array, never changed once stored: a ByteString wrapper per key would cost
/// 32 bytes of memory for every key held, and as much garbage for every overwrite.
/// </remarks>
internal readonly record struct StoredValue(byte[] Value, ulong Version)
{
    /// <summary>The bytes of a request's value, without a copy when it owns a whole array (as parsed values do).</summary>
    public static byte[] BytesOf(ByteString value) =>
        MemoryMarshal.TryGetArray(value.Memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToByteArray();

    /// <summary>The value as a ByteString for an answer, without a copy (neither side ever writes to it).</summary>
    public ByteString AsByteString() => UnsafeByteOperations.UnsafeWrap(Value);
}
