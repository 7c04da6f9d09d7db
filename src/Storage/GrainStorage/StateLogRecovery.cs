using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// Rebuilds a state log's index by replaying its segments oldest first (the later record of a
/// key wins, unless its sequence is older). Zeros after the last segment's records are space
/// written ahead of them, not damage. A damaged record at the tail of the last segment is a write that was never
/// acknowledged (the crash came before its fsync), so it is cut off; damage anywhere else means
/// acknowledged data may be lost, and recovery refuses with
/// <see cref="GrainStorageCorruptionException"/>.
/// </summary>
internal static class StateLogRecovery
{
    public static RecoveredStateLog Run(string directory)
    {
        var result = new RecoveredStateLog();
        var files = new List<(ulong Id, string Path)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "state-*.log"))
            if (StateLogFileNames.TryParseSegment(Path.GetFileName(path), out var id)) files.Add((id, path));
        files.Sort((a, b) => a.Id.CompareTo(b.Id));

        var maxSequence = 0UL;
        Span<byte> header = stackalloc byte[StateRecordFormat.SegmentHeaderSize];
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var (id, path) = files[i];
                var isLast = i == files.Count - 1;
                var handle = StateSegment.OpenHandle(path, FileMode.Open);
                var length = RandomAccess.GetLength(handle);
                var got = StateRecordReader.ReadFully(handle, header, 0);
                if (got < header.Length || !StateRecordFormat.TryDecodeSegmentHeader(header, out var baseSequence))
                {
                    handle.Dispose();
                    // A segment is created (header written and fsynced, then the directory) before
                    // any record goes into it, so only the newest file can have a torn header.
                    if (!isLast) throw new GrainStorageCorruptionException(path, 0, "the segment header is damaged in a segment that is not the last");
                    if (length > StateRecordFormat.SegmentHeaderSize && ValidRecordFollows(path, 0, length))
                        throw new GrainStorageCorruptionException(path, 0, "the segment header is damaged, and valid records follow it");
                    File.Delete(path);
                    DirectorySync.Sync(directory);
                    result.Warnings.Add($"removed segment {path} whose creation was interrupted (header incomplete)");
                    continue;
                }
                var segment = new StateSegment(id, path, handle, baseSequence);
                result.Segments.Add(segment);
                maxSequence = Math.Max(maxSequence, baseSequence == 0 ? 0 : baseSequence - 1);
                ReplaySegment(segment, length, isLast, result, ref maxSequence);
            }
        }
        catch
        {
            foreach (var segment in result.Segments) segment.Handle.Dispose();
            throw;
        }
        result.NextSequence = maxSequence + 1;
        return result;
    }

    private static void ReplaySegment(StateSegment segment, long length, bool isLast, RecoveredStateLog result, ref ulong maxSequence)
    {
        var offset = (long)StateRecordFormat.SegmentHeaderSize;
        var live = new Dictionary<ulong, StateSegment>();
        foreach (var s in result.Segments) live[s.Id] = s;
        while (offset < length)
        {
            if (!StateRecordReader.TryRead(segment.Handle, offset, length, out var header, out var key, out var problem))
            {
                // The last segment is zero-filled ahead of its records (StateSegment.ZeroAhead).
                if (isLast && OnlyZerosFollow(segment.Handle, offset, length)) break;
                if (!isLast)
                    throw new GrainStorageCorruptionException(segment.Path, offset, $"{problem}, in a segment that is not the last");
                if (ValidRecordFollows(segment.Path, offset, length))
                    throw new GrainStorageCorruptionException(segment.Path, offset, $"{problem}, and valid records follow it");
                RandomAccess.SetLength(segment.Handle, offset);
                RandomAccess.FlushToDisk(segment.Handle);
                result.Warnings.Add($"truncated torn tail of {segment.Path} at offset {offset} ({length - offset} bytes dropped: {problem})");
                length = offset;
                break;
            }
            var tombstone = header.Kind == StateRecordFormat.KindTombstone;
            var shadows = 0UL;
            if (result.Index.TryGetValue(key, out var previous))
            {
                // Sequences only grow, and compaction keeps them: a record older than the one
                // indexed already is a stale copy, and never wins.
                if (header.Sequence < previous.Sequence)
                {
                    maxSequence = Math.Max(maxSequence, header.Sequence);
                    offset += header.RecordLength;
                    continue;
                }
                if (!previous.Tombstone) live[previous.Segment].LiveBytes -= previous.Length;
                shadows = previous.Segment;
            }
            result.Index[key] = new StateIndexEntry(segment.Id, offset, header.RecordLength, header.Sequence, tombstone, shadows);
            if (!tombstone) segment.LiveBytes += header.RecordLength;
            maxSequence = Math.Max(maxSequence, header.Sequence);
            offset += header.RecordLength;
        }
        segment.Length = Math.Min(offset, length);
        segment.Allocated = length;
    }

    private static bool OnlyZerosFollow(SafeFileHandle handle, long offset, long length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (offset < length)
            {
                var got = StateRecordReader.ReadFully(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset)), offset);
                if (got == 0) return true;
                if (buffer.AsSpan(0, got).ContainsAnyExcept((byte)0)) return false;
                offset += got;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Distinguishes a torn tail (nothing valid after the damage) from damage in the middle (an
    // intact record further on). Every offset is tried, since a damaged length field hides where
    // the next record starts; headers are screened in memory, a 1 MiB window at a time, and only
    // plausible ones are checked against their CRC. A false match needs a CRC-32C collision.
    private static bool ValidRecordFollows(string path, long damagedAt, long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        const int window = 1024 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(window + StateRecordFormat.RecordHeaderSize);
        try
        {
            for (var start = damagedAt + 1; start < length; start += window)
            {
                var got = StateRecordReader.ReadFully(handle, buffer.AsSpan(0, window + StateRecordFormat.RecordHeaderSize), start);
                var candidates = Math.Min(window, got);
                for (var i = 0; i < candidates; i++)
                {
                    var at = start + i;
                    if (!StateRecordFormat.TryDecodeRecordHeader(buffer.AsSpan(i, Math.Min(StateRecordFormat.RecordHeaderSize, got - i)), length - at, out _)) continue;
                    if (StateRecordReader.TryRead(handle, at, length, out _, out _, out _)) return true;
                }
            }
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
