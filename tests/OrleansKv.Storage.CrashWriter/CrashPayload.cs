using System.Buffers.Binary;

namespace OrleansKv.Storage.CrashWriter;

/// <summary>The payload a crash writer writes: the value, then a pattern derived from writer and value, so a reader can tell a whole payload from a mixed or damaged one.</summary>
public static class CrashPayload
{
    public static byte[] Create(int writer, long value, int size)
    {
        var bytes = new byte[Math.Max(size, 8)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        for (var i = 8; i < bytes.Length; i++) bytes[i] = (byte)(value * 31 + writer * 7 + i);
        return bytes;
    }

    /// <summary>The value in a payload, or -1 if the pattern is wrong.</summary>
    public static long Check(int writer, byte[] bytes)
    {
        if (bytes.Length < 8) return -1;
        var value = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        for (var i = 8; i < bytes.Length; i++)
            if (bytes[i] != (byte)(value * 31 + writer * 7 + i)) return -1;
        return value;
    }
}
