using System.Buffers;
using System.Text;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// Compaction: the live records (and still needed tombstones) of the oldest closed segment that is
/// mostly garbage are copied into the current segment, fsynced, repointed in the index, and the
/// old file is deleted. It runs on the writer thread between batches, so no write interleaves
/// with a step, and in steps of bounded work (<see cref="CompactionStepRecords"/> headers scanned,
/// or <see cref="CompactionStepBytes"/> copied), so a batch never waits behind a whole segment.
/// The old file is deleted off the writer thread.
/// </summary>
internal sealed partial class StateLog
{
    private const int CompactionStepRecords = 2048;
    private const long CompactionStepBytes = 1024 * 1024;
    // Larger than any record header plus its key (at most StateRecordFormat.MaxKeyBytes).
    private const int CompactionScanWindowBytes = 256 * 1024;

    // The compaction in progress, if any (the writer thread's own).
    private Compaction? _compaction;

    // The last compacted segment's file deletion, which runs off the writer thread.
    private Task _deletion = Task.CompletedTask;

    /// <summary>
    /// One step of compaction: choose a segment, or scan part of its record headers, or carry part
    /// of its live records forward, or delete it once all are carried. False when there is
    /// nothing to compact (or it failed: the log then accepts no more writes).
    /// </summary>
    private bool CompactStep()
    {
        try
        {
            if (_compaction is null && DeletionPending()) return false;
            _compaction ??= ChooseVictim();
            if (_compaction is not { } compaction) return false;
            if (!compaction.Scanned) ScanStep(compaction);
            else if (compaction.Next < compaction.Moves.Count) CopyStep(compaction);
            else Finish(compaction);
            return true;
        }
        catch (Exception e)
        {
            _compaction = null;
            Fail(e);
            return false;
        }
    }

    private Compaction? ChooseVictim()
    {
        lock (_lock)
        {
            StateSegment? victim = null;
            var newestClosed = NewestClosedSegment();
            foreach (var s in _segments.Values)
            {
                if (s == _current) continue;
                var payloadBytes = s.Length - StateRecordFormat.SegmentHeaderSize;
                // The segment closed last holds the newest records, which are the likeliest to be
                // replaced soon (a replica's log chunks and snapshot die at its next snapshot):
                // copying them now would mostly copy garbage-to-be, so it waits for the next
                // segment to close, unless nothing in it is live.
                if (s == newestClosed && s.LiveBytes > 0) continue;
                if (s.LiveBytes < _compactBelowLiveFraction * payloadBytes || payloadBytes == 0)
                {
                    victim = s;
                    break;
                }
            }
            if (victim is null) return null;
            var oldestOther = ulong.MaxValue;
            foreach (var id in _segments.Keys)
                if (id != victim.Id)
                {
                    oldestOther = id;
                    break;
                }
            return new Compaction(victim, oldestOther);
        }
    }

    // Called under the lock.
    private StateSegment? NewestClosedSegment()
    {
        StateSegment? newest = null;
        foreach (var s in _segments.Values)
            if (s != _current) newest = s;
        return newest;
    }

    // Walks part of the victim's records (headers and keys only, from disk, without the lock) and
    // keeps those the index still points at, checking the index a few hundred records at a time so
    // the lock is held briefly and the cost follows the segment's size, not the number of keys.
    // The segment is read in large windows rather than a read per header and key: a segment of
    // small records (a replica's log chunks) holds tens of thousands of them.
    private void ScanStep(Compaction compaction)
    {
        var victim = compaction.Victim;
        var candidates = new List<(string Key, long Offset)>(256);
        var window = ArrayPool<byte>.Shared.Rent(CompactionScanWindowBytes);
        long windowStart = 0;
        var windowLength = 0;
        try
        {
            for (var scanned = 0; scanned < CompactionStepRecords && compaction.ScanOffset < victim.Length; scanned++)
            {
                var offset = compaction.ScanOffset;
                var head = Read(offset, StateRecordFormat.RecordHeaderSize);
                if (head.Length < StateRecordFormat.RecordHeaderSize
                    || !StateRecordFormat.TryDecodeRecordHeader(head, victim.Length - offset, out var header))
                    throw Damaged(offset);
                var key = Read(offset + StateRecordFormat.RecordHeaderSize, header.KeyLength);
                if (key.Length < header.KeyLength) throw Damaged(offset);
                candidates.Add((Encoding.UTF8.GetString(key), offset));
                compaction.ScanOffset = offset + header.RecordLength;
                if (candidates.Count == 256) Keep();
            }
            Keep();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(window);
        }
        compaction.Scanned = compaction.ScanOffset >= victim.Length;

        // The bytes at [at, at + count) of the victim (fewer at its end), from the window, which is
        // refilled from at when they are not all in it. A window holds a whole header and key.
        ReadOnlySpan<byte> Read(long at, int count)
        {
            if (at < windowStart || at + count > windowStart + windowLength)
            {
                windowStart = at;
                windowLength = StateRecordReader.ReadFully(victim.Handle, window.AsSpan(0, (int)Math.Min(window.Length, victim.Length - at)), at);
            }
            return window.AsSpan((int)(at - windowStart), (int)Math.Min(count, windowStart + windowLength - at));
        }

        Exception Damaged(long at) => new GrainStorageCorruptionException(victim.Path, at, "a record header is damaged in a segment being compacted");

        void Keep()
        {
            lock (_lock)
            {
                foreach (var (key, at) in candidates)
                    if (_index.TryGetValue(key, out var entry) && entry.Segment == victim.Id && entry.Offset == at) compaction.Moves.Add((key, entry));
            }
            candidates.Clear();
        }
    }

    // Carries the next live records forward, up to the step's byte budget, then makes them durable
    // and repoints the index at them (unless a newer write of the key came meanwhile).
    private void CopyStep(Compaction compaction)
    {
        var copied = new List<(string Key, StateIndexEntry Old, ulong Segment, long Offset)>();
        var dropped = new List<(string Key, StateIndexEntry Old)>();
        var position = _current.Length;
        long budget = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            while (compaction.Next < compaction.Moves.Count && budget < CompactionStepBytes)
            {
                var (key, entry) = compaction.Moves[compaction.Next++];
                // Batches ran since the scan: a record a newer one replaced is garbage now, and a
                // copy of it after the newer one would win on recovery.
                bool current;
                lock (_lock) current = _index.TryGetValue(key, out var now) && now == entry;
                if (!current) continue;
                // A tombstone is needed only while a segment that may hold an older record of its key exists.
                if (entry.Tombstone && compaction.OldestOther > entry.ShadowsUpTo)
                {
                    dropped.Add((key, entry));
                    continue;
                }
                if (position > StateRecordFormat.SegmentHeaderSize && position + entry.Length > _segmentBytes)
                {
                    SyncCurrent(position);
                    Rotate();
                    position = _current.Length;
                }
                CopyRecord(compaction.Victim, entry, position, buffer);
                copied.Add((key, entry, _current.Id, position));
                position += entry.Length;
                budget += entry.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        SyncCurrent(position);
        lock (_lock)
        {
            foreach (var (key, old, segment, offset) in copied)
                if (_index.TryGetValue(key, out var now) && now == old)
                    ApplyDurable(key, segment, offset, old.Length, old.Sequence, old.Tombstone);
            foreach (var (key, old) in dropped)
                if (_index.TryGetValue(key, out var now) && now == old) _index.Remove(key);
        }
    }

    // Every live record is carried forward: the victim goes (its handle once its last reader is
    // done). Unlinking a 64 MiB file and syncing the directory took 20-70 ms on our machines (the
    // filesystem frees and discards its blocks), so it runs off the writer thread; no batch waits.
    private void Finish(Compaction compaction)
    {
        var victim = compaction.Victim;
        lock (_lock)
        {
            _segments.Remove(victim.Id);
            victim.Deleted = true;
            if (victim.Readers == 0) victim.Handle.Dispose();
        }
        _compaction = null;
        _deletion = Task.Run(() =>
        {
            File.Delete(victim.Path);
            DirectorySync.Sync(_directory);
            Interlocked.Increment(ref _fsyncs);
            lock (_lock) _compactions++;
        });
    }

    // The victim's file must be gone before the next victim is chosen: until then its stale
    // records still count as older copies that a tombstone in a later segment has to shadow.
    private bool DeletionPending()
    {
        if (!_deletion.IsCompleted) return true;
        if (_deletion.Exception is { } failed) throw failed.InnerException ?? failed;
        return false;
    }

    // Copies one record in chunks (bounded memory) and checks its CRC on the way. The header and
    // key (at most 64 KiB + 24 bytes) always lie in the first 1 MiB chunk.
    private void CopyRecord(StateSegment from, StateIndexEntry entry, long to, byte[] buffer)
    {
        var payloadCrc = 0u;
        byte[]? headAndKey = null;
        var headLength = 0;
        uint expected = 0;
        try
        {
            for (long done = 0; done < entry.Length;)
            {
                var n = (int)Math.Min(buffer.Length, entry.Length - done);
                if (StateRecordReader.ReadFully(from.Handle, buffer.AsSpan(0, n), entry.Offset + done) < n)
                    throw new GrainStorageCorruptionException(from.Path, entry.Offset, "the file ends inside an indexed record");
                var span = buffer.AsSpan(0, n);
                var payloadPart = span;
                if (done == 0)
                {
                    if (!StateRecordFormat.TryDecodeRecordHeader(span, entry.Length, out var header) || header.Sequence != entry.Sequence)
                        throw new GrainStorageCorruptionException(from.Path, entry.Offset, "the indexed record's header does not match the index");
                    expected = header.Crc;
                    headLength = StateRecordFormat.RecordHeaderSize + header.KeyLength;
                    headAndKey = ArrayPool<byte>.Shared.Rent(headLength);
                    span[..headLength].CopyTo(headAndKey);
                    payloadPart = span[headLength..];
                }
                payloadCrc = Crc32C.Append(payloadCrc, payloadPart);
                RandomAccess.Write(_current.Handle, span, to + done);
                done += n;
            }
            if (StateRecordFormat.RecordCrc(payloadCrc, headAndKey.AsSpan(0, headLength)) != expected)
                throw new GrainStorageCorruptionException(from.Path, entry.Offset, "the record's checksum does not match while compacting");
        }
        finally
        {
            if (headAndKey is not null) ArrayPool<byte>.Shared.Return(headAndKey);
        }
    }

    /// <summary>A segment being compacted: how far its headers are scanned, and the records to carry forward.</summary>
    private sealed class Compaction(StateSegment victim, ulong oldestOther)
    {
        public StateSegment Victim { get; } = victim;

        // The oldest other segment when the victim was chosen: a tombstone that shadows nothing in
        // it or after it is no longer needed.
        public ulong OldestOther { get; } = oldestOther;

        public long ScanOffset { get; set; } = StateRecordFormat.SegmentHeaderSize;
        public bool Scanned { get; set; }
        public List<(string Key, StateIndexEntry Entry)> Moves { get; } = [];
        public int Next { get; set; }
    }
}
