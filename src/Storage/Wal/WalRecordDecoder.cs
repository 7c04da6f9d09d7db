using System.Text;
using OrleansKv.Raft;
using static System.Buffers.Binary.BinaryPrimitives;

namespace OrleansKv.Storage.Wal;

/// <summary>One record read back from a segment; <see cref="Payload"/> points into the segment's bytes.</summary>
internal readonly record struct WalRecord(WalRecordType Type, uint Group, ReadOnlyMemory<byte> Payload);

/// <summary>A snapshot marker as logged.</summary>
internal readonly record struct SnapshotMarkerRecord(SnapshotRef Snapshot, bool ReplacesLog);

/// <summary>Reads records written by <see cref="WalRecordEncoder"/>; payload parsers throw FormatException on malformed data.</summary>
internal static class WalRecordDecoder
{
    private const int MinimumRecord = WalRecordEncoder.HeaderSize + WalRecordEncoder.PrefixSize;

    /// <summary>Reads the record at <paramref name="offset"/>, or explains why there is no valid one there.</summary>
    public static bool TryRead(byte[] segment, int offset, out WalRecord record, out int next, out string problem)
    {
        record = default;
        next = offset;
        problem = "";
        var remaining = segment.Length - offset;
        if (remaining < MinimumRecord) { problem = $"only {remaining} bytes left, a record needs at least {MinimumRecord}"; return false; }
        var span = segment.AsSpan(offset);
        var length = ReadUInt32LittleEndian(span);
        if (length < WalRecordEncoder.PrefixSize || length > remaining - WalRecordEncoder.HeaderSize)
        {
            problem = $"record length {length} does not fit in the {remaining} bytes left";
            return false;
        }
        var body = span.Slice(WalRecordEncoder.HeaderSize, (int)length);
        if (WalRecordEncoder.Checksum(span[..4], body) != ReadUInt32LittleEndian(span[4..]))
        {
            problem = "checksum mismatch";
            return false;
        }
        var type = (WalRecordType)body[0];
        if (!Enum.IsDefined(type)) { problem = $"unknown record type {body[0]}"; return false; }
        record = new WalRecord(type, ReadUInt32LittleEndian(body[1..]),
            segment.AsMemory(offset + MinimumRecord, (int)length - WalRecordEncoder.PrefixSize));
        next = offset + WalRecordEncoder.HeaderSize + (int)length;
        return true;
    }

    public static HardState ReadHardState(ReadOnlySpan<byte> payload)
    {
        Require(payload.Length == 24, "hard state record has the wrong length");
        return new HardState(ReadUInt64LittleEndian(payload), ReadUInt64LittleEndian(payload[8..]), ReadUInt64LittleEndian(payload[16..]));
    }

    public static List<Entry> ReadEntries(ReadOnlySpan<byte> payload)
    {
        Require(payload.Length >= 12, "entries record is truncated");
        var first = ReadUInt64LittleEndian(payload);
        var count = ReadUInt32LittleEndian(payload[8..]);
        Require(count > 0 && count <= (payload.Length - 12) / WalRecordEncoder.EntryHeaderSize, "entries record has a bad count");
        var entries = new List<Entry>((int)count);
        var offset = 12;
        for (uint i = 0; i < count; i++)
        {
            Require(payload.Length - offset >= WalRecordEncoder.EntryHeaderSize, "entries record is truncated");
            var term = ReadUInt64LittleEndian(payload[offset..]);
            var type = (EntryType)payload[offset + 8];
            var length = ReadUInt32LittleEndian(payload[(offset + 9)..]);
            offset += WalRecordEncoder.EntryHeaderSize;
            Require(length <= payload.Length - offset, "entry data overruns the record");
            entries.Add(new Entry(first + i, term, type, payload.Slice(offset, (int)length).ToArray()));
            offset += (int)length;
        }
        Require(offset == payload.Length, "entries record has trailing bytes");
        return entries;
    }

    public static SnapshotMarkerRecord ReadSnapshotMarker(ReadOnlySpan<byte> payload)
    {
        Require(payload.Length >= 19, "snapshot marker is truncated");
        var nameLength = ReadUInt16LittleEndian(payload[17..]);
        Require(payload.Length == 19 + nameLength, "snapshot marker has the wrong length");
        var name = Encoding.UTF8.GetString(payload.Slice(19, nameLength));
        Require(name.Length > 0 && Path.GetFileName(name) == name, "snapshot marker names a bad file");
        return new SnapshotMarkerRecord(new SnapshotRef(ReadUInt64LittleEndian(payload), ReadUInt64LittleEndian(payload[8..]), name), payload[16] != 0);
    }

    public static (ulong Index, ulong Term) ReadCompaction(ReadOnlySpan<byte> payload)
    {
        Require(payload.Length == 16, "compaction record has the wrong length");
        return (ReadUInt64LittleEndian(payload), ReadUInt64LittleEndian(payload[8..]));
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new FormatException(message);
    }
}
