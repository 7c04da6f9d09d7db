namespace OrleansKv.Linearizability;

/// <summary>
/// A polynomial string hash modulo 2^64 whose value for a concatenation can be computed from the parts:
/// hash(a + b) = hash(a) * Base^|b| + hash(b). That lets appended values be hashed in O(|suffix|).
/// Collisions are possible, so equal hashes are always confirmed by comparing the text.
/// </summary>
internal static class PolynomialHash
{
    private const ulong Base = 0x100000001B3UL * 2 + 1; // any odd multiplier works; this one mixes bits well

    /// <summary>Hash of <paramref name="text"/> and Base^|text|, the factor that shifts a prefix's hash past it.</summary>
    public static (ulong Hash, ulong Shift) Of(ReadOnlySpan<char> text)
    {
        ulong hash = 0;
        ulong shift = 1;
        foreach (var c in text)
        {
            hash = (hash * Base) + c + 1;
            shift *= Base;
        }

        return (hash, shift);
    }

    public static ulong Concat(ulong prefixHash, ulong suffixHash, ulong suffixShift) => (prefixHash * suffixShift) + suffixHash;

    /// <summary>A strong 64-bit finaliser (SplitMix64), used to spread combined hashes and to derive per-operation keys.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
