using System.Buffers;
using System.Text;
using OrleansKv.Raft;
using static System.Buffers.Binary.BinaryPrimitives;

namespace OrleansKv.Storage.Wal;

/// <summary>
/// Writes records in the log's format, little-endian:
/// [length u32][crc32c u32][type u8][group u32][payload]. length counts type, group and payload;
/// the CRC covers the length field and everything after the CRC, so a damaged length is caught too.
/// </summary>
internal static class WalRecordEncoder
{
    public const int HeaderSize = 8;
    public const int PrefixSize = 5;
    public const int EntryHeaderSize = 13; // term u64, type u8, data length u32

    public static void HardState(ArrayBufferWriter<byte> buffer, uint group, HardState state)
    {
        var record = Begin(buffer, WalRecordType.HardState, group, 24);
        var payload = record[(HeaderSize + PrefixSize)..];
        WriteUInt64LittleEndian(payload, state.Term);
        WriteUInt64LittleEndian(payload[8..], state.Vote);
        WriteUInt64LittleEndian(payload[16..], state.Commit);
        Seal(buffer, record);
    }

    /// <summary>Payload: first index u64, count u32, then per entry: term u64, type u8, length u32, data.</summary>
    public static void Entries(ArrayBufferWriter<byte> buffer, uint group, IReadOnlyList<Entry> entries)
    {
        long size = 12;
        foreach (var entry in entries) size += EntryHeaderSize + entry.Data.Length;
        if (size > int.MaxValue - HeaderSize - PrefixSize) throw new ArgumentException("entries are too large for one record", nameof(entries));
        var record = Begin(buffer, WalRecordType.Entries, group, (int)size);
        var payload = record[(HeaderSize + PrefixSize)..];
        WriteUInt64LittleEndian(payload, entries[0].Index);
        WriteUInt32LittleEndian(payload[8..], (uint)entries.Count);
        var offset = 12;
        foreach (var entry in entries)
        {
            WriteUInt64LittleEndian(payload[offset..], entry.Term);
            payload[offset + 8] = (byte)entry.Type;
            WriteUInt32LittleEndian(payload[(offset + 9)..], (uint)entry.Data.Length);
            entry.Data.CopyTo(payload[(offset + EntryHeaderSize)..]);
            offset += EntryHeaderSize + entry.Data.Length;
        }
        Seal(buffer, record);
    }

    /// <summary>Payload: index u64, term u64, replaces-log u8, file name length u16, file name (UTF-8).</summary>
    public static void SnapshotMarker(ArrayBufferWriter<byte> buffer, uint group, SnapshotRef snapshot, bool replacesLog)
    {
        var name = Encoding.UTF8.GetBytes(snapshot.FileName);
        var record = Begin(buffer, WalRecordType.SnapshotMarker, group, 19 + name.Length);
        var payload = record[(HeaderSize + PrefixSize)..];
        WriteUInt64LittleEndian(payload, snapshot.Index);
        WriteUInt64LittleEndian(payload[8..], snapshot.Term);
        payload[16] = replacesLog ? (byte)1 : (byte)0;
        WriteUInt16LittleEndian(payload[17..], (ushort)name.Length);
        name.CopyTo(payload[19..]);
        Seal(buffer, record);
    }

    /// <summary>Payload: index u64, term u64.</summary>
    public static void Compaction(ArrayBufferWriter<byte> buffer, uint group, ulong index, ulong term)
    {
        var record = Begin(buffer, WalRecordType.Compaction, group, 16);
        var payload = record[(HeaderSize + PrefixSize)..];
        WriteUInt64LittleEndian(payload, index);
        WriteUInt64LittleEndian(payload[8..], term);
        Seal(buffer, record);
    }

    /// <summary>The checksum a record must carry: over the length field, then type, group and payload.</summary>
    public static uint Checksum(ReadOnlySpan<byte> lengthField, ReadOnlySpan<byte> body) =>
        Crc32C.Append(Crc32C.Compute(lengthField), body);

    private static Span<byte> Begin(ArrayBufferWriter<byte> buffer, WalRecordType type, uint group, int payloadLength)
    {
        var total = HeaderSize + PrefixSize + payloadLength;
        var record = buffer.GetSpan(total)[..total];
        WriteUInt32LittleEndian(record, (uint)(PrefixSize + payloadLength));
        record[HeaderSize] = (byte)type;
        WriteUInt32LittleEndian(record[(HeaderSize + 1)..], group);
        return record;
    }

    private static void Seal(ArrayBufferWriter<byte> buffer, Span<byte> record)
    {
        WriteUInt32LittleEndian(record[4..], Checksum(record[..4], record[HeaderSize..]));
        buffer.Advance(record.Length);
    }
}
