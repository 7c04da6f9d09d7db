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
    public static string Write(string directory, uint group, Snapshot snapshot)
    {
        var metadata = snapshot.Metadata;
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
        WriteUInt64LittleEndian(header.AsSpan(FixedHeader + membership.Length), (ulong)snapshot.Data.Length);
        var crc = Crc32C.Append(Crc32C.Compute(header), snapshot.Data);
        var trailer = new byte[4];
        WriteUInt32LittleEndian(trailer, crc);

        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            stream.Write(header);
            // Synced a chunk at a time: one fsync of many megabytes would hold the disk for the
            // whole write, and every log fsync of the silo (and of silos sharing the disk) behind it.
            var data = snapshot.Data.AsSpan();
            for (var offset = 0; offset < data.Length; offset += SyncChunkBytes)
            {
                stream.Write(data.Slice(offset, Math.Min(SyncChunkBytes, data.Length - offset)));
                stream.Flush(flushToDisk: true);
            }
            stream.Write(trailer);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, Path.Combine(directory, name), overwrite: true);
        DirectorySync.Sync(directory);
        return name;
    }

    /// <summary>Loads and verifies a snapshot file; damage is reported as <see cref="WalCorruptionException"/>.</summary>
    public static Snapshot Read(string path, uint expectedGroup)
    {
        if (!File.Exists(path)) throw new WalCorruptionException(path, 0, "the snapshot file named by the log is missing");
        var bytes = File.ReadAllBytes(path);
        var span = bytes.AsSpan();
        if (bytes.Length < FixedHeader + 8 + 4 || !span[..8].SequenceEqual(Magic))
            throw new WalCorruptionException(path, 0, "not a snapshot file");
        if (Crc32C.Compute(span[..^4]) != ReadUInt32LittleEndian(span[^4..]))
            throw new WalCorruptionException(path, 0, "snapshot checksum mismatch");
        try
        {
            var group = ReadUInt32LittleEndian(span[8..]);
            if (group != expectedGroup) throw new FormatException($"snapshot belongs to group {group}");
            var index = ReadUInt64LittleEndian(span[12..]);
            var term = ReadUInt64LittleEndian(span[20..]);
            var membershipLength = (int)ReadUInt32LittleEndian(span[28..]);
            if (membershipLength < 0 || FixedHeader + (long)membershipLength + 8 + 4 > bytes.Length) throw new FormatException("bad membership length");
            var membership = Membership.Decode(span.Slice(FixedHeader, membershipLength));
            var dataOffset = FixedHeader + membershipLength + 8;
            var dataLength = ReadUInt64LittleEndian(span[(dataOffset - 8)..]);
            if (dataLength != (ulong)(bytes.Length - dataOffset - 4)) throw new FormatException("bad data length");
            return new Snapshot(new SnapshotMetadata(index, term, membership), span[dataOffset..^4].ToArray());
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new WalCorruptionException(path, 0, e.Message);
        }
    }
}
