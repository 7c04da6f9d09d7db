using OrleansKv.Raft;
using static System.Buffers.Binary.BinaryPrimitives;

namespace OrleansKv.Storage.Wal;

/// <summary>
/// A snapshot on disk: magic "OKVSNAP1", group u32, index u64, term u64, membership length u32,
/// membership (Membership.Encode), data length u64, data, then a CRC-32C of everything before it.
/// Written to a temporary file, fsynced, renamed into place, then the directory is fsynced, so a
/// crash leaves either no file or a complete one under the final name.
/// </summary>
internal static class SnapshotFile
{
    private static readonly byte[] Magic = "OKVSNAP1"u8.ToArray();
    private const int FixedHeader = 8 + 4 + 8 + 8 + 4;
    private const int SyncChunkBytes = 1 << 20;

    /// <summary>Writes the snapshot durably and returns its file name.</summary>
    public static string Write(string directory, uint group, Snapshot snapshot) =>
        Write(directory, group, snapshot.Metadata, snapshot.Data.Length, stream => stream.Write(snapshot.Data));

    /// <summary>
    /// Writes a snapshot whose <paramref name="dataLength"/> bytes <paramref name="writeData"/>
    /// streams, durably, and returns its file name. The data is never held in memory whole.
    /// </summary>
    public static string Write(string directory, uint group, SnapshotMetadata metadata, long dataLength, Action<Stream> writeData)
    {
        var name = WalFileNames.Snapshot(group, metadata.Index);
        var temp = Path.Combine(directory, WalFileNames.SnapshotTemp(group, metadata.Index));
        var membership = metadata.Membership.Encode();

        var header = new byte[FixedHeader + membership.Length + 8];
        Magic.CopyTo(header, 0);
        WriteUInt32LittleEndian(header.AsSpan(8), group);
        WriteUInt64LittleEndian(header.AsSpan(12), metadata.Index);
        WriteUInt64LittleEndian(header.AsSpan(20), metadata.Term);
        WriteUInt32LittleEndian(header.AsSpan(28), (uint)membership.Length);
        membership.CopyTo(header, FixedHeader);
        WriteUInt64LittleEndian(header.AsSpan(FixedHeader + membership.Length), (ulong)dataLength);

        try
        {
            using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            file.Write(header);
            var data = new SyncingChecksumStream(file, Crc32C.Compute(header), SyncChunkBytes);
            writeData(data);
            if (data.Written != dataLength)
                throw new InvalidOperationException($"the snapshot wrote {data.Written} bytes, {dataLength} were announced");
            var trailer = new byte[4];
            WriteUInt32LittleEndian(trailer, data.Crc);
            file.Write(trailer);
            file.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        File.Move(temp, Path.Combine(directory, name), overwrite: true);
        DirectorySync.Sync(directory);
        return name;
    }

    /// <summary>Loads and verifies a snapshot file; damage is reported as <see cref="WalCorruptionException"/>.</summary>
    /// <remarks>The data is read straight into the array the snapshot keeps: the file is not held in memory twice.</remarks>
    public static Snapshot Read(string path, uint expectedGroup)
    {
        if (!File.Exists(path)) throw new WalCorruptionException(path, 0, "the snapshot file named by the log is missing");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var length = stream.Length;
        try
        {
            var fixedHeader = ReadExactly(stream, FixedHeader, length, "not a snapshot file");
            if (!fixedHeader.AsSpan(0, 8).SequenceEqual(Magic)) throw new FormatException("not a snapshot file");
            var group = ReadUInt32LittleEndian(fixedHeader.AsSpan(8));
            if (group != expectedGroup) throw new FormatException($"snapshot belongs to group {group}");
            var index = ReadUInt64LittleEndian(fixedHeader.AsSpan(12));
            var term = ReadUInt64LittleEndian(fixedHeader.AsSpan(20));
            var membershipLength = ReadUInt32LittleEndian(fixedHeader.AsSpan(28));
            if (FixedHeader + (long)membershipLength + 8 + 4 > length) throw new FormatException("bad membership length");
            var rest = ReadExactly(stream, (int)membershipLength + 8, length, "bad membership length");
            var dataLength = ReadUInt64LittleEndian(rest.AsSpan((int)membershipLength));
            if (dataLength != (ulong)(length - FixedHeader - membershipLength - 8 - 4)) throw new FormatException("bad data length");
            var data = ReadExactly(stream, (int)dataLength, length, "bad data length");
            var trailer = ReadExactly(stream, 4, length, "bad data length");
            var crc = Crc32C.Append(Crc32C.Append(Crc32C.Compute(fixedHeader), rest), data);
            if (crc != ReadUInt32LittleEndian(trailer)) throw new WalCorruptionException(path, 0, "snapshot checksum mismatch");
            var membership = Membership.Decode(rest.AsSpan(0, (int)membershipLength));
            return new Snapshot(new SnapshotMetadata(index, term, membership), data);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new WalCorruptionException(path, 0, e.Message);
        }
    }

    private static byte[] ReadExactly(FileStream stream, int count, long fileLength, string problem)
    {
        if (count < 0 || stream.Position + count > fileLength) throw new FormatException(problem);
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
