namespace OrleansKv.Storage;

/// <summary>
/// CRC-32C (Castagnoli polynomial, reflected form 0x82F63B78), table-driven, one byte per step.
/// Chosen over plain CRC-32 for its better error detection on storage-sized blocks.
/// </summary>
internal static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78;
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a checksum: Append(Compute(a), b) equals Compute(a followed by b).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        foreach (var b in data) state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        return ~state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var value = i;
            for (var bit = 0; bit < 8; bit++)
                value = (value & 1) != 0 ? (value >> 1) ^ ReflectedPolynomial : value >> 1;
            table[i] = value;
        }
        return table;
    }
}
