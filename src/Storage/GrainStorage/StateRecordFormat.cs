using System.Buffers.Binary;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// The on-disk layout of a state log (all integers little-endian).
/// <para>A segment <c>state-&lt;id:16 hex&gt;.log</c> starts with a 20-byte header: magic
/// <c>"OKGS"</c> (u32), format version 1 (u32), the segment's base sequence (u64: no ETag issued
/// after this segment was created is lower), CRC-32C of those 16 bytes (u32).</para>
/// <para>Then records, back to back, each: CRC-32C (u32) of the serialized state continued over
/// every header byte after the CRC field and the key (the payload comes first so that its CRC is
/// computed before the record gets its sequence, outside the log's lock); body length
/// (u32) = bytes after these first 8; kind (u8: 1 state, 2 tombstone); three zero bytes;
/// sequence (u64, the record's ETag); key length (u32); the key (UTF-8 of
/// <c>&lt;state name length&gt;:&lt;state name&gt;&lt;grain id&gt;</c>); the serialized
/// state (empty for a tombstone).</para>
/// </summary>
internal static class StateRecordFormat
{
    public const uint Magic = 0x53474B4F; // "OKGS"
    public const uint Version = 1;
    public const int SegmentHeaderSize = 20;
    public const int RecordHeaderSize = 24;
    /// <summary>Bytes of the record header after the CRC and body length fields.</summary>
    public const int FixedBodySize = RecordHeaderSize - 8;
    public const int MaxKeyBytes = 64 * 1024;
    public const long MaxRecordBytes = int.MaxValue - 64;

    public const byte KindState = 1;
    public const byte KindTombstone = 2;

    public static byte[] EncodeSegmentHeader(ulong baseSequence)
    {
        var header = new byte[SegmentHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Version);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), baseSequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), Crc32C.Compute(header.AsSpan(0, 16)));
        return header;
    }

    public static bool TryDecodeSegmentHeader(ReadOnlySpan<byte> header, out ulong baseSequence)
    {
        baseSequence = 0;
        if (header.Length < SegmentHeaderSize) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != Version) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != Crc32C.Compute(header[..16])) return false;
        baseSequence = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        return true;
    }

    /// <summary>CRC-32C of a payload given in parts.</summary>
    public static uint PayloadCrc(IReadOnlyList<ReadOnlyMemory<byte>> payload)
    {
        var crc = 0u;
        foreach (var part in payload) crc = Crc32C.Append(crc, part.Span);
        return crc;
    }

    /// <summary>A record's CRC: the payload's CRC continued over the header after its CRC field and the key (<paramref name="headAndKey"/> is the record's first bytes up to the payload).</summary>
    public static uint RecordCrc(uint payloadCrc, ReadOnlySpan<byte> headAndKey) => Crc32C.Append(payloadCrc, headAndKey[4..]);

    /// <summary>Encodes a record's header and key, with the CRC filled in from <paramref name="payloadCrc"/>.</summary>
    public static byte[] EncodeRecordHead(byte kind, ulong sequence, ReadOnlySpan<byte> key, long payloadLength, uint payloadCrc)
    {
        var head = new byte[RecordHeaderSize + key.Length];
        var bodyLength = FixedBodySize + key.Length + payloadLength;
        if (bodyLength > MaxRecordBytes) throw new ArgumentException($"a grain state record may not exceed {MaxRecordBytes} bytes (this one has {bodyLength})");
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(4), (uint)bodyLength);
        head[8] = kind;
        BinaryPrimitives.WriteUInt64LittleEndian(head.AsSpan(12), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(20), (uint)key.Length);
        key.CopyTo(head.AsSpan(RecordHeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(head, RecordCrc(payloadCrc, head));
        return head;
    }

    /// <summary>Reads a record header; false when the fields cannot belong to a record that fits in <paramref name="available"/> bytes.</summary>
    public static bool TryDecodeRecordHeader(ReadOnlySpan<byte> header, long available, out RecordHeader decoded)
    {
        decoded = default;
        if (header.Length < RecordHeaderSize || available < RecordHeaderSize) return false;
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var kind = header[8];
        if (kind is not (KindState or KindTombstone) || header[9] != 0 || header[10] != 0 || header[11] != 0) return false;
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(header[12..]);
        var keyLength = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        if (keyLength == 0 || keyLength > MaxKeyBytes || bodyLength < FixedBodySize + keyLength) return false;
        if (kind == KindTombstone && bodyLength != FixedBodySize + keyLength) return false;
        var recordLength = 8L + bodyLength;
        if (recordLength > available) return false;
        decoded = new RecordHeader(crc, kind, sequence, (int)keyLength, recordLength);
        return true;
    }
}
