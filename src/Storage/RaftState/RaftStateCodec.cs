using static System.Buffers.Binary.BinaryPrimitives;
using OrleansKv.Raft;

namespace OrleansKv.Storage.RaftState;

/// <summary>
/// The byte layout of <see cref="RaftLogChunk"/> and <see cref="RaftMeta"/> inside a
/// <see cref="RaftStateRecord"/>: a version, a kind, the fields little-endian, and a CRC-32C of
/// everything before it, so a damaged or foreign record is refused whatever provider stored it.
/// </summary>
public static class RaftStateCodec
{
    private const byte Version = 1;
    private const byte ChunkKind = 1;
    private const byte MetaKind = 2;
    private const int EntryHeader = 8 + 1 + 4; // term, type, length

    public static byte[] Encode(RaftLogChunk chunk)
    {
        long size = 2 + 8 + 24 + 8 + 4 + 4;
        foreach (var entry in chunk.Entries) size += EntryHeader + entry.Data.Length;
        if (size > int.MaxValue) throw new ArgumentException("a log chunk must stay under 2 GiB", nameof(chunk));
        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = Version;
        span[1] = ChunkKind;
        WriteUInt64LittleEndian(span[2..], chunk.Sequence);
        WriteHardState(span[10..], chunk.HardState);
        WriteUInt64LittleEndian(span[34..], chunk.Entries.Count > 0 ? chunk.Entries[0].Index : 0);
        WriteInt32LittleEndian(span[42..], chunk.Entries.Count);
        var offset = 46;
        for (var i = 0; i < chunk.Entries.Count; i++)
        {
            var entry = chunk.Entries[i];
            if (i > 0 && entry.Index != chunk.Entries[i - 1].Index + 1)
                throw new ArgumentException($"entries are not consecutive: {chunk.Entries[i - 1].Index} then {entry.Index}", nameof(chunk));
            WriteUInt64LittleEndian(span[offset..], entry.Term);
            span[offset + 8] = (byte)entry.Type;
            WriteInt32LittleEndian(span[(offset + 9)..], entry.Data.Length);
            entry.Data.CopyTo(span[(offset + EntryHeader)..]);
            offset += EntryHeader + entry.Data.Length;
        }
        Seal(span);
        return buffer;
    }

    public static RaftLogChunk DecodeChunk(byte[] data, string name)
    {
        var span = Open(data, ChunkKind, name, minimum: 46);
        var sequence = ReadUInt64LittleEndian(span[2..]);
        var hardState = ReadHardState(span[10..]);
        var first = ReadUInt64LittleEndian(span[34..]);
        var count = ReadInt32LittleEndian(span[42..]);
        if (count < 0) throw Corrupt(name, "negative entry count");
        var entries = new Entry[count];
        var offset = 46;
        for (var i = 0; i < count; i++)
        {
            if (offset + EntryHeader > span.Length) throw Corrupt(name, $"entry {i} runs past the end");
            var term = ReadUInt64LittleEndian(span[offset..]);
            var type = (EntryType)span[offset + 8];
            var length = ReadInt32LittleEndian(span[(offset + 9)..]);
            if (length < 0 || offset + EntryHeader + length > span.Length) throw Corrupt(name, $"entry {i} runs past the end");
            entries[i] = new Entry(first + (ulong)i, term, type, span.Slice(offset + EntryHeader, length).ToArray());
            offset += EntryHeader + length;
        }
        if (offset != span.Length) throw Corrupt(name, "bytes after the last entry");
        return new RaftLogChunk(sequence, hardState, entries);
    }

    public static byte[] Encode(RaftMeta meta)
    {
        var membership = meta.Snapshot.Membership.Encode();
        var buffer = new byte[2 + 8 + 8 + 4 + membership.Length + 8 + 8 + 4 + 8 + 24 + 4];
        var span = buffer.AsSpan();
        span[0] = Version;
        span[1] = MetaKind;
        WriteUInt64LittleEndian(span[2..], meta.Snapshot.Index);
        WriteUInt64LittleEndian(span[10..], meta.Snapshot.Term);
        WriteInt32LittleEndian(span[18..], membership.Length);
        membership.CopyTo(span[22..]);
        var offset = 22 + membership.Length;
        WriteInt64LittleEndian(span[offset..], meta.SnapshotBytes);
        WriteUInt64LittleEndian(span[(offset + 8)..], meta.SnapshotGeneration);
        WriteInt32LittleEndian(span[(offset + 16)..], meta.SnapshotChunks);
        WriteUInt64LittleEndian(span[(offset + 20)..], meta.FirstChunk);
        WriteHardState(span[(offset + 28)..], meta.HardState);
        Seal(span);
        return buffer;
    }

    public static RaftMeta DecodeMeta(byte[] data, string name)
    {
        var span = Open(data, MetaKind, name, minimum: 22);
        var index = ReadUInt64LittleEndian(span[2..]);
        var term = ReadUInt64LittleEndian(span[10..]);
        var membershipLength = ReadInt32LittleEndian(span[18..]);
        if (membershipLength < 0 || 22 + membershipLength + 52 != span.Length) throw Corrupt(name, "wrong length");
        var membership = Membership.Decode(span.Slice(22, membershipLength));
        var offset = 22 + membershipLength;
        return new RaftMeta(
            new SnapshotMetadata(index, term, membership),
            ReadInt64LittleEndian(span[offset..]),
            ReadUInt64LittleEndian(span[(offset + 8)..]),
            ReadInt32LittleEndian(span[(offset + 16)..]),
            ReadUInt64LittleEndian(span[(offset + 20)..]),
            ReadHardState(span[(offset + 28)..]));
    }

    private static void WriteHardState(Span<byte> span, HardState state)
    {
        WriteUInt64LittleEndian(span, state.Term);
        WriteUInt64LittleEndian(span[8..], state.Vote);
        WriteUInt64LittleEndian(span[16..], state.Commit);
    }

    private static HardState ReadHardState(ReadOnlySpan<byte> span) =>
        new(ReadUInt64LittleEndian(span), ReadUInt64LittleEndian(span[8..]), ReadUInt64LittleEndian(span[16..]));

    // The last four bytes: CRC-32C of the rest.
    private static void Seal(Span<byte> record) => WriteUInt32LittleEndian(record[^4..], Crc32C.Compute(record[..^4]));

    // Checks version, kind and CRC; returns the record without its CRC.
    private static ReadOnlySpan<byte> Open(byte[] data, byte kind, string name, int minimum)
    {
        if (data.Length < minimum + 4) throw Corrupt(name, $"{data.Length} bytes is too short");
        var span = data.AsSpan();
        if (ReadUInt32LittleEndian(span[^4..]) != Crc32C.Compute(span[..^4])) throw Corrupt(name, "checksum mismatch");
        if (span[0] != Version) throw Corrupt(name, $"unknown version {span[0]}");
        if (span[1] != kind) throw Corrupt(name, $"kind {span[1]}, expected {kind}");
        return span[..^4];
    }

    private static RaftStateCorruptException Corrupt(string name, string problem) => new($"Raft state '{name}' is unreadable: {problem}");
}
