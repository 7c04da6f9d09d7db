namespace OrleansKv.Storage.Wal;

/// <summary>
/// Rebuilds every group's state from the data folder: replays the segments in order, then loads
/// each group's latest snapshot file. A damaged record at the tail of the last segment is a write
/// that was never acknowledged (the crash came before its fsync), so it is cut off; damage anywhere
/// else means acknowledged data is lost, and recovery refuses with <see cref="WalCorruptionException"/>.
/// </summary>
internal static class WalRecovery
{
    public static RecoveredWal Run(string directory)
    {
        var result = new RecoveredWal();
        var snapshots = new Dictionary<uint, SnapshotRef>();
        var gaps = new Dictionary<uint, (string File, long Offset)>();

        var segments = System.IO.Directory.EnumerateFiles(directory, "wal-*.log")
            .Select(path => (Path: path, Ok: WalFileNames.TryParseSegment(Path.GetFileName(path), out var seq), Seq: seq))
            .Where(s => s.Ok).OrderBy(s => s.Seq).ToList();

        for (var i = 0; i < segments.Count; i++)
        {
            var (path, _, sequence) = segments[i];
            var info = new SegmentInfo(sequence, path);
            ReplaySegment(path, isLast: i == segments.Count - 1, info, result, snapshots, gaps);
            result.Segments.Add(info);
            result.LastSequence = sequence;
        }

        if (gaps.Count > 0)
        {
            var (group, (file, offset)) = gaps.First();
            throw new WalCorruptionException(file, offset, $"group {group}'s entries start after a gap no snapshot or compaction covers (an earlier segment is missing)");
        }

        foreach (var (group, reference) in snapshots)
        {
            var snapshot = SnapshotFile.Read(Path.Combine(directory, reference.FileName), group);
            if (snapshot.Metadata.Index != reference.Index || snapshot.Metadata.Term != reference.Term)
                throw new WalCorruptionException(Path.Combine(directory, reference.FileName), 0,
                    $"snapshot is at {snapshot.Metadata.Term}/{snapshot.Metadata.Index} but the log expects {reference.Term}/{reference.Index}");
            result.Groups[group].SetRecoveredSnapshot(snapshot);
        }

        foreach (var (group, log) in result.Groups)
        {
            var durable = Durable(result, group);
            durable.HardState = log.HardState;
            durable.Snapshot = snapshots.GetValueOrDefault(group);
            (durable.BaseIndex, durable.BaseTerm) = log.Base;
        }

        RemoveStraySnapshotFiles(directory, snapshots, result.Warnings);
        return result;
    }

    private static void ReplaySegment(string path, bool isLast, SegmentInfo info, RecoveredWal result,
        Dictionary<uint, SnapshotRef> snapshots, Dictionary<uint, (string, long)> gaps)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (!WalRecordDecoder.TryRead(bytes, offset, out var record, out var next, out var problem))
            {
                if (!isLast)
                    throw new WalCorruptionException(path, offset, $"{problem} in a segment that is not the last");
                if (ValidRecordFollows(bytes, offset))
                    throw new WalCorruptionException(path, offset, $"{problem}, and valid records follow it");
                TruncateTail(path, offset);
                result.Warnings.Add($"truncated torn tail of {path} at offset {offset} ({bytes.Length - offset} bytes dropped: {problem})");
                return;
            }
            try
            {
                Apply(record, info, result, snapshots, gaps, path, offset);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
            {
                throw new WalCorruptionException(path, offset, $"record cannot be applied: {e.Message}");
            }
            offset = next;
        }
    }

    private static void Apply(WalRecord record, SegmentInfo info, RecoveredWal result,
        Dictionary<uint, SnapshotRef> snapshots, Dictionary<uint, (string, long)> gaps, string path, long offset)
    {
        var group = record.Group;
        if (!result.Groups.TryGetValue(group, out var log)) result.Groups[group] = log = new GroupLog(tracksLocations: true);
        var payload = record.Payload.Span;
        switch (record.Type)
        {
            case WalRecordType.Entries:
                var entries = WalRecordDecoder.ReadEntries(payload);
                // Segments before this one may have been deleted once compacted; the compaction
                // point is re-logged later in the replay and closes the gap (checked at the end).
                if (!log.Append(entries, out _, restartOnGap: true, new WalPosition(info.Sequence, offset))) gaps.TryAdd(group, (path, offset));
                info.NoteEntries(group, entries[^1].Index);
                break;
            case WalRecordType.HardState:
                log.SetHardState(WalRecordDecoder.ReadHardState(payload));
                break;
            case WalRecordType.SnapshotMarker:
                var marker = WalRecordDecoder.ReadSnapshotMarker(payload);
                snapshots[group] = marker.Snapshot;
                if (marker.ReplacesLog)
                {
                    log.ResetTo(marker.Snapshot.Index, marker.Snapshot.Term);
                    CloseGap(gaps, group, log, marker.Snapshot.Index);
                }
                break;
            case WalRecordType.Compaction:
                var (index, term) = WalRecordDecoder.ReadCompaction(payload);
                log.ApplyCompactionPoint(index, term);
                CloseGap(gaps, group, log, index);
                break;
        }
    }

    // A gap is explained once a logged compaction point reaches the restart point of the log.
    private static void CloseGap(Dictionary<uint, (string, long)> gaps, uint group, GroupLog log, ulong markerIndex)
    {
        if (gaps.ContainsKey(group) && markerIndex >= log.Base.Index) gaps.Remove(group);
    }

    // Distinguishes a torn tail (nothing valid after the damage) from damage in the middle of the
    // last segment (an intact record further on). Any offset is tried, since a damaged length
    // field hides where the next record starts; a false match needs a 32-bit checksum collision.
    private static bool ValidRecordFollows(byte[] bytes, int damagedAt)
    {
        for (var offset = damagedAt + 1; offset < bytes.Length; offset++)
            if (WalRecordDecoder.TryRead(bytes, offset, out _, out _, out _)) return true;
        return false;
    }

    private static void TruncateTail(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
        stream.SetLength(length);
        stream.Flush(flushToDisk: true);
    }

    private static GroupDurableState Durable(RecoveredWal result, uint group)
    {
        if (!result.Durable.TryGetValue(group, out var state)) result.Durable[group] = state = new GroupDurableState();
        return state;
    }

    // Temporary files of interrupted snapshot writes, and snapshots superseded (or never logged)
    // before a crash, are not referenced by the log: remove them.
    private static void RemoveStraySnapshotFiles(string directory, Dictionary<uint, SnapshotRef> snapshots, List<string> warnings)
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "snap-*"))
        {
            var name = Path.GetFileName(path);
            if (!WalFileNames.TryParseSnapshot(name, out var group)) continue;
            if (snapshots.TryGetValue(group, out var live) && live.FileName == name) continue;
            File.Delete(path);
            if (name.EndsWith(".tmp", StringComparison.Ordinal)) warnings.Add($"removed unfinished snapshot file {path}");
        }
    }
}
