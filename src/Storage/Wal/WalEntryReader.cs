using OrleansKv.Raft;
using static System.Buffers.Binary.BinaryPrimitives;

namespace OrleansKv.Storage.Wal;

/// <summary>
/// Reads an entries record back from a segment, for entries the in-memory log no longer holds.
/// The segment may still be open for appending: only whole records before the writer's position
/// are read. Any mismatch means the data folder changed under the silo, reported as corruption.
/// </summary>
internal static class WalEntryReader
{
    public static List<Entry> Read(string directory, uint group, WalPosition position)
    {
        var path = Path.Combine(directory, WalFileNames.Segment(position.Segment));
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        Span<byte> header = stackalloc byte[WalRecordEncoder.HeaderSize];
        file.Position = position.Offset;
        file.ReadExactly(header);
        var length = ReadUInt32LittleEndian(header);
        if (length < WalRecordEncoder.PrefixSize || length > file.Length - position.Offset - WalRecordEncoder.HeaderSize)
            throw new WalCorruptionException(path, position.Offset, $"entries record length {length} does not fit the segment");
        var record = new byte[WalRecordEncoder.HeaderSize + length];
        header.CopyTo(record);
        file.ReadExactly(record.AsSpan(WalRecordEncoder.HeaderSize));
        if (!WalRecordDecoder.TryRead(record, 0, out var decoded, out _, out var problem))
            throw new WalCorruptionException(path, position.Offset, problem);
        if (decoded.Type != WalRecordType.Entries || decoded.Group != group)
            throw new WalCorruptionException(path, position.Offset, $"expected an entries record of group {group}, found {decoded.Type} of group {decoded.Group}");
        try
        {
            return WalRecordDecoder.ReadEntries(decoded.Payload.Span);
        }
        catch (FormatException e)
        {
            throw new WalCorruptionException(path, position.Offset, e.Message);
        }
    }
}
