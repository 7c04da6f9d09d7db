using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// The engine of the <c>file</c> provider: one segmented, append-only, CRC-checked log per
/// directory, an in-memory index key -&gt; (segment, offset, length, sequence) with no payloads,
/// and a single writer thread that group-commits every queued record with one gathered write and
/// one fsync, then carries a mostly-dead segment's live records forward a step at a time between
/// batches (StateLog.Compaction.cs).
/// <para>Keys are opaque strings; sequences (shown as ETags) grow across the whole log and never
/// repeat, even after restarts. ETag checks are made against the newest accepted write of a key
/// (durable or not), in the order records enter the log; reads see durable records only.</para>
/// </summary>
internal sealed partial class StateLog : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly double _compactBelowLiveFraction;
    private readonly ILogger _logger;
    private readonly Dictionary<string, StateIndexEntry> _index;
    private readonly Dictionary<string, PendingKeyState> _pending = new(StringComparer.Ordinal);
    private readonly SortedDictionary<ulong, StateSegment> _segments = [];
    private readonly FileStream _lockFile;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<PendingRecord> _queue = [];
    private StateSegment _current;
    private ulong _nextSequence;
    private Exception? _failure;
    private bool _closing;
    private long _fsyncs, _batches, _records, _compactions;

    private StateLog(string directory, long segmentBytes, double compactBelowLiveFraction, ILogger logger, FileStream lockFile, RecoveredStateLog recovered)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        _compactBelowLiveFraction = compactBelowLiveFraction;
        _logger = logger;
        _lockFile = lockFile;
        _index = recovered.Index;
        _nextSequence = recovered.NextSequence;
        foreach (var segment in recovered.Segments) _segments[segment.Id] = segment;
        _current = recovered.Segments.Count > 0 ? recovered.Segments[^1] : CreateSegment(1);
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "file-grain-storage-writer" };
        _writer.Start();
    }

    /// <summary>Opens (creating it if needed) and recovers the log in <paramref name="directory"/>.</summary>
    public static StateLog Open(string directory, long segmentBytes, double compactBelowLiveFraction, ILogger logger)
    {
        System.IO.Directory.CreateDirectory(directory);
        // FileShare.None takes an exclusive advisory lock (flock on Unix) for as long as the
        // process holds the file, so a second provider or process cannot open the same log.
        var lockFile = new FileStream(Path.Combine(directory, StateLogFileNames.LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var recovered = StateLogRecovery.Run(directory);
            foreach (var warning in recovered.Warnings) logger.LogWarning("File grain storage recovery: {Warning}", warning);
            return new StateLog(directory, segmentBytes, compactBelowLiveFraction, logger, lockFile, recovered);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    public string Directory => _directory;

    /// <summary>Test seam: runs on the writer thread just before each fsync of a batch (a test makes it throw to stand for a failed fsync).</summary>
    internal Action? BeforeSync { get; set; }

    /// <summary>Counters for tests and diagnostics.</summary>
    public StateLogStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                long total = 0, live = 0;
                foreach (var s in _segments.Values)
                {
                    total += s.Length;
                    live += s.LiveBytes;
                }
                return new StateLogStatistics(_records, _batches, _fsyncs, _compactions, _segments.Count, _index.Count, total, live);
            }
        }
    }

    public static string FormatETag(ulong sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Accepts a state (<paramref name="payload"/> not null) or a tombstone for <paramref name="key"/>
    /// if <paramref name="expectedETag"/> matches the newest accepted write of the key (null for a
    /// key that has none or whose newest is a tombstone). On a match, returns true and a task that
    /// completes with the new sequence once the record is durable; the log then owns the payload.
    /// A tombstone for a key with nothing to clear completes at once with sequence 0.
    /// </summary>
    public bool TryAppend(string key, string? expectedETag, PayloadBuffer? payload, out Task<ulong> durable, out string? currentETag)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (keyBytes.Length is 0 or > StateRecordFormat.MaxKeyBytes)
            throw new ArgumentException($"a grain storage key must have 1 to {StateRecordFormat.MaxKeyBytes} UTF-8 bytes", nameof(key));
        var tombstone = payload is null;
        var payloadCrc = payload is null ? 0u : StateRecordFormat.PayloadCrc(payload.Segments);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (_failure is not null) throw new FileGrainStorageFailedException($"file grain storage in {_directory} has failed and accepts no more writes: {_failure.Message}", _failure);
            _pending.TryGetValue(key, out var pending);
            bool exists;
            ulong sequence;
            if (pending is not null) (exists, sequence) = (pending.Exists, pending.Sequence);
            else if (_index.TryGetValue(key, out var entry)) (exists, sequence) = (!entry.Tombstone, entry.Sequence);
            else (exists, sequence) = (false, 0);
            currentETag = exists ? FormatETag(sequence) : null;
            if (!string.Equals(expectedETag, currentETag, StringComparison.Ordinal))
            {
                durable = Task.FromResult(0UL);
                return false;
            }
            if (tombstone && !exists && pending is null && !_index.ContainsKey(key))
            {
                durable = Task.FromResult(0UL);
                return true;
            }
            var newSequence = _nextSequence++;
            var head = StateRecordFormat.EncodeRecordHead(tombstone ? StateRecordFormat.KindTombstone : StateRecordFormat.KindState, newSequence, keyBytes,
                payload?.Length ?? 0, payloadCrc);
            var record = new PendingRecord(key, head, payload, newSequence, tombstone);
            if (pending is null) _pending[key] = pending = new PendingKeyState();
            pending.Sequence = newSequence;
            pending.Exists = !tombstone;
            pending.InFlight++;
            _queue.Add(record);
            if (_queue.Count == 1) Monitor.Pulse(_lock);
            durable = record.Done.Task;
            return true;
        }
    }

    /// <summary>
    /// Reads the newest durable state of <paramref name="key"/> back from disk, asynchronously,
    /// and checks its CRC. Null when the key has no state. The caller returns the rented buffer
    /// to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    public async ValueTask<StateReadResult?> ReadAsync(string key)
    {
        StateIndexEntry entry;
        StateSegment segment;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (!_index.TryGetValue(key, out entry) || entry.Tombstone) return null;
            segment = _segments[entry.Segment];
            segment.Readers++;
        }
        var length = (int)entry.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await StateRecordReader.ReadExactlyAsync(segment.Handle, buffer.AsMemory(0, length), entry.Offset, segment.Path).ConfigureAwait(false);
            if (!StateRecordFormat.TryDecodeRecordHeader(buffer, length, out var header) || header.RecordLength != length || header.Sequence != entry.Sequence)
                throw new GrainStorageCorruptionException(segment.Path, entry.Offset, "the indexed record's header does not match the index");
            var payloadOffset = StateRecordFormat.RecordHeaderSize + header.KeyLength;
            if (StateRecordFormat.RecordCrc(Crc32C.Compute(buffer.AsSpan(payloadOffset, length - payloadOffset)), buffer.AsSpan(0, payloadOffset)) != header.Crc)
                throw new GrainStorageCorruptionException(segment.Path, entry.Offset, "the record's checksum does not match on read");
            return new StateReadResult(buffer, payloadOffset, length - payloadOffset, entry.Sequence);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            lock (_lock)
            {
                segment.Readers--;
                if (segment.Deleted && segment.Readers == 0) segment.Handle.Dispose();
            }
        }
    }

    /// <summary>Stops accepting writes, lets the writer finish what is queued, and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_closing) return;
            _closing = true;
            Monitor.Pulse(_lock);
        }
        await _writerExited.Task.ConfigureAwait(false);
        try
        {
            await _deletion.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The data is safe either way: recovery skips the copied records' stale originals.
            _logger.LogWarning(e, "File grain storage in {Directory} could not delete a compacted segment", _directory);
        }
        lock (_lock)
        {
            foreach (var segment in _segments.Values)
            {
                segment.Deleted = true;
                if (segment.Readers == 0) segment.Handle.Dispose();
            }
        }
        await _lockFile.DisposeAsync().ConfigureAwait(false);
    }

    private void RunWriter()
    {
        var batch = new List<PendingRecord>();
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    while (_queue.Count == 0 && !_closing) Monitor.Wait(_lock);
                    if (_queue.Count == 0) break;
                    (batch, _queue) = (_queue, batch);
                }
                try
                {
                    WriteBatch(batch);
                }
                catch (Exception e)
                {
                    // Not an I/O error (those are handled in WriteBatch): still, no write may hang.
                    Fail(e);
                    FailAll(batch, e);
                }
                batch.Clear();
                // Compact while nothing is queued, in bounded steps, and at least one step per batch
                // (so garbage cannot outgrow writes, and no batch waits long behind a compaction).
                for (var first = true; _failure is null && (first || QueueEmpty()) && CompactStep(); first = false) { }
            }
        }
        finally
        {
            _writerExited.TrySetResult();
        }
    }

    private bool QueueEmpty()
    {
        lock (_lock) return _queue.Count == 0;
    }

    private void WriteBatch(List<PendingRecord> batch)
    {
        if (_failure is not null)
        {
            FailAll(batch, _failure);
            return;
        }
        var placed = new List<(PendingRecord Record, ulong Segment, long Offset)>(batch.Count);
        try
        {
            var parts = new List<ReadOnlyMemory<byte>>();
            var start = _current.Length;
            var position = start;
            foreach (var record in batch)
            {
                if (position > StateRecordFormat.SegmentHeaderSize && position + record.Length > _segmentBytes)
                {
                    WriteAndSync(parts, start, position);
                    Rotate();
                    start = position = _current.Length;
                }
                placed.Add((record, _current.Id, position));
                parts.Add(record.Head);
                if (record.Payload is not null)
                    foreach (var part in record.Payload.Segments) parts.Add(part);
                position += record.Length;
            }
            WriteAndSync(parts, start, position);
        }
        catch (Exception e)
        {
            Fail(e);
            FailAll(batch, _failure!);
            return;
        }
        lock (_lock)
        {
            _batches++;
            _records += batch.Count;
            foreach (var (record, segment, offset) in placed)
            {
                ApplyDurable(record.Key, segment, offset, record.Length, record.Sequence, record.Tombstone);
                var pending = _pending[record.Key];
                if (--pending.InFlight == 0) _pending.Remove(record.Key);
            }
        }
        foreach (var record in batch)
        {
            record.Payload?.Dispose();
            record.Done.TrySetResult(record.Sequence);
        }
    }

    private void WriteAndSync(List<ReadOnlyMemory<byte>> parts, long start, long end)
    {
        if (parts.Count == 0) return;
        RandomAccess.Write(_current.Handle, parts, start);
        BeforeSync?.Invoke();
        MakeDurableTo(end);
        parts.Clear();
    }

    // Called under the lock: the key's newest durable record is now at (segment, offset).
    private void ApplyDurable(string key, ulong segment, long offset, long length, ulong sequence, bool tombstone)
    {
        var shadows = 0UL;
        if (_index.TryGetValue(key, out var previous))
        {
            if (!previous.Tombstone && _segments.TryGetValue(previous.Segment, out var old)) old.LiveBytes -= previous.Length;
            shadows = previous.Tombstone ? Math.Max(previous.Segment, previous.ShadowsUpTo) : previous.Segment;
        }
        _index[key] = new StateIndexEntry(segment, offset, length, sequence, tombstone, shadows);
        if (!tombstone) _segments[segment].LiveBytes += length;
    }

    private void Rotate()
    {
        // Before the next segment exists, so recovery finds zeros after the records only in the last one.
        _current.TrimToRecords();
        var next = CreateSegment(_current.Id + 1);
        _current = next;
    }

    private StateSegment CreateSegment(ulong id)
    {
        var path = Path.Combine(_directory, StateLogFileNames.Segment(id));
        ulong baseSequence;
        lock (_lock) baseSequence = _nextSequence;
        var handle = StateSegment.OpenHandle(path, FileMode.CreateNew);
        try
        {
            RandomAccess.Write(handle, StateRecordFormat.EncodeSegmentHeader(baseSequence), 0);
            RandomAccess.FlushToDisk(handle);
            DirectorySync.Sync(_directory);
            Interlocked.Add(ref _fsyncs, 2);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        var segment = new StateSegment(id, path, handle, baseSequence)
        {
            Length = StateRecordFormat.SegmentHeaderSize,
            Allocated = StateRecordFormat.SegmentHeaderSize,
        };
        lock (_lock) _segments[id] = segment;
        return segment;
    }

    private void SyncCurrent(long end)
    {
        if (end == _current.Length) return;
        MakeDurableTo(end);
    }

    // The current segment's records are written up to end: zero-fill ahead if they reached the
    // zeroed space's end (StateSegment.ZeroAhead), then one data sync makes both durable.
    private void MakeDurableTo(long end)
    {
        _current.ZeroAhead(end, _segmentBytes);
        FileDataSync.Sync(_current.Handle);
        Interlocked.Increment(ref _fsyncs);
        _current.Length = end;
    }

    private void Fail(Exception e)
    {
        lock (_lock)
        {
            _failure ??= e;
            _logger.LogCritical(e, "File grain storage in {Directory} failed; it accepts no more writes", _directory);
        }
    }

    private void FailAll(List<PendingRecord> batch, Exception cause)
    {
        var error = new FileGrainStorageFailedException($"file grain storage in {_directory} failed to write or fsync; the write may or may not be on disk: {cause.Message}", cause);
        lock (_lock)
        {
            foreach (var record in batch)
                if (_pending.TryGetValue(record.Key, out var pending) && --pending.InFlight == 0) _pending.Remove(record.Key);
        }
        foreach (var record in batch)
        {
            record.Payload?.Dispose();
            record.Done.TrySetException(error);
        }
    }
}
