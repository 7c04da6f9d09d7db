using System.Text;

namespace OrleansKv.Simulation;

/// <summary>
/// FNV-1a 64-bit hashing. The simulation hashes entries, states and its own trace with it because
/// string.GetHashCode is randomised per process and a seed must hash the same in every run.
/// </summary>
public static class Fnv
{
    public const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Add(ulong hash, byte value) => (hash ^ value) * Prime;

    public static ulong Add(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)value) * Prime;
            value >>= 8;
        }
        return hash;
    }

    public static ulong Add(ulong hash, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) hash = (hash ^ b) * Prime;
        return hash;
    }

    public static ulong Add(ulong hash, string? text)
    {
        if (text is null) return Add(hash, (byte)0xFF);
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }
        return Add(hash, (ulong)text.Length);
    }

    public static ulong Of(ReadOnlySpan<byte> data) => Add(Offset, data);

    public static ulong Of(string text) => Add(Offset, text);

    public static string Hex(ulong hash) => hash.ToString("x16");

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
