using System.Text;

namespace OrleansKv.Contracts;

/// <summary>
/// Maps keys to one of <see cref="Count"/> hash slots with CRC-16/XMODEM, as Redis Cluster does,
/// so that keys sharing a <c>{hash tag}</c> land in the same slot.
/// </summary>
public static class HashSlot
{
    public const int Count = 16384;

    private static readonly ushort[] Table = BuildTable();

    public static int Of(string key) => Of(Encoding.UTF8.GetBytes(key));

    public static int Of(ReadOnlySpan<byte> key) => Crc16(HashedPart(key)) % Count;

    // The part between the first '{' and the next '}' if it is non-empty, else the whole key.
    private static ReadOnlySpan<byte> HashedPart(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open < 0) return key;
        var close = key[(open + 1)..].IndexOf((byte)'}');
        return close <= 0 ? key : key.Slice(open + 1, close);
    }

    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data) crc = (ushort)((crc << 8) ^ Table[((crc >> 8) ^ b) & 0xFF]);
        return crc;
    }

    private static ushort[] BuildTable()
    {
        const ushort polynomial = 0x1021;
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var value = (ushort)(i << 8);
            for (var bit = 0; bit < 8; bit++)
                value = (value & 0x8000) != 0 ? (ushort)((value << 1) ^ polynomial) : (ushort)(value << 1);
            table[i] = value;
        }
        return table;
    }
}
