namespace OrleansKv.Bench;

/// <summary>
/// The benchmark's 16-byte keys: ASCII "k" and the key number as 15 zero-padded digits (k000000000012345).
/// Written into a caller's own buffer so no key is allocated per operation.
/// </summary>
internal static class BenchKey
{
    public const int Length = 16;

    /// <summary>Key numbers must stay below this to fit 15 digits.</summary>
    public const long Limit = 1_000_000_000_000_000;

    public static byte[] NewBuffer()
    {
        var key = new byte[Length];
        key[0] = (byte)'k';
        return key;
    }

    public static void Write(byte[] key, long number)
    {
        for (var i = Length - 1; i >= 1; i--)
        {
            key[i] = (byte)('0' + number % 10);
            number /= 10;
        }
    }
}
