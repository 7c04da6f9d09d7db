using System.Buffers.Binary;
using System.Numerics;

namespace OrleansKv.Storage;

/// <summary>
/// CRC-32C (Castagnoli polynomial, reflected form 0x82F63B78). Chosen over plain CRC-32 for its
/// better error detection on storage-sized blocks. Eight bytes per step through
/// <see cref="BitOperations.Crc32C(uint, ulong)"/>, which uses the processor's CRC32 instruction
/// where there is one (SSE 4.2, ARMv8) and a table otherwise.
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a checksum: Append(Compute(a), b) equals Compute(a followed by b).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) state = BitOperations.Crc32C(state, b);
        return ~state;
    }
}
