using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>Reads and checks records of a segment file synchronously (recovery and compaction run off the grains' threads).</summary>
internal static class StateRecordReader
{
    private const int ChunkSize = 1024 * 1024;

    /// <summary>
    /// Reads the record at <paramref name="offset"/>: false (with the reason) when the header is
    /// implausible, the record runs past <paramref name="fileLength"/>, or its CRC does not match.
    /// </summary>
    public static bool TryRead(SafeFileHandle handle, long offset, long fileLength, out RecordHeader header, out string key, out string problem)
    {
        key = "";
        Span<byte> head = stackalloc byte[StateRecordFormat.RecordHeaderSize];
        var available = fileLength - offset;
        if (available < StateRecordFormat.RecordHeaderSize || ReadFully(handle, head, offset) < head.Length)
        {
            header = default;
            problem = "a record header is cut short";
            return false;
        }
        if (!StateRecordFormat.TryDecodeRecordHeader(head, available, out header))
        {
            problem = "the record header is invalid or runs past the end of the file";
            return false;
        }
        var keyBytes = ArrayPool<byte>.Shared.Rent(header.KeyLength);
        var chunk = ArrayPool<byte>.Shared.Rent((int)Math.Min(ChunkSize, Math.Max(1, header.PayloadLength)));
        try
        {
            ReadFully(handle, keyBytes.AsSpan(0, header.KeyLength), offset + StateRecordFormat.RecordHeaderSize);
            var crc = 0u;
            var position = offset + StateRecordFormat.RecordHeaderSize + header.KeyLength;
            var remaining = header.PayloadLength;
            while (remaining > 0)
            {
                var n = (int)Math.Min(remaining, chunk.Length);
                ReadFully(handle, chunk.AsSpan(0, n), position);
                crc = Crc32C.Append(crc, chunk.AsSpan(0, n));
                position += n;
                remaining -= n;
            }
            crc = Crc32C.Append(Crc32C.Append(crc, head[4..]), keyBytes.AsSpan(0, header.KeyLength));
            if (crc != header.Crc)
            {
                problem = "the record's checksum does not match";
                return false;
            }
            try
            {
                key = new UTF8Encoding(false, true).GetString(keyBytes, 0, header.KeyLength);
            }
            catch (DecoderFallbackException)
            {
                problem = "the record's key is not UTF-8";
                return false;
            }
            problem = "";
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(keyBytes);
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the file ends; returns the bytes read.</summary>
    public static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Reads asynchronously until <paramref name="buffer"/> is full; throws at an early end of file.</summary>
    public static async ValueTask ReadExactlyAsync(SafeFileHandle handle, Memory<byte> buffer, long offset, string path)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, buffer[total..], offset + total).ConfigureAwait(false);
            if (n == 0) throw new GrainStorageCorruptionException(path, offset, "the file ends inside an indexed record");
            total += n;
        }
    }
}
