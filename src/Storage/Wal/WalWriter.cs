using System.Buffers;

namespace OrleansKv.Storage.Wal;

/// <summary>
/// The single background writer of a silo's write-ahead log (group commit). Callers queue encoded
/// writes; the writer takes everything queued, writes the snapshot files the batch needs, appends
/// all records with one write call and one fsync, then runs the batch's callbacks in order.
/// </summary>
/// <remarks>
/// Each new segment starts with a checkpoint of every group's hard state, snapshot marker and
/// compaction point, so only entries pin older segments: the oldest segment is deleted once every
/// group has compacted past the entries it holds. Deleting oldest-first keeps the surviving
/// segments a suffix of the log's history, which is what recovery replays.
/// A snapshot file is written on this thread, so a large snapshot delays the other groups' commits
/// while it is written.
/// </remarks>
internal sealed class WalWriter : IDisposable
{
    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly long _maxQueuedBytes;
    private readonly Action<Exception> _onFatal;

    // Shared with callers, guarded by _lock.
    private readonly object _lock = new();
    private List<PendingWrite> _queue = [];
    private long _queuedBytes;
    private bool _stopping;
    private Exception? _failure;

    // Owned by the writer thread (and by the constructor before the thread starts).
    private readonly Thread _thread;
    private readonly Dictionary<uint, GroupDurableState> _groups;
    private readonly List<SegmentInfo> _segments;
    private readonly ArrayBufferWriter<byte> _batch = new(1 << 16);
    private readonly List<(EntryRun Run, WalPosition Position)> _positions = [];
    private ulong _lastSequence;
    private FileStream? _segment;
    private long _segmentLength;
    private long _syncCount;
    private bool _unsyncedTail;

    public WalWriter(FileStorageOptions options, RecoveredWal recovered, Action<Exception> onFatal)
    {
        _directory = options.Directory;
        _segmentBytes = options.SegmentBytes;
        _maxQueuedBytes = options.MaxQueuedBytes;
        _onFatal = onFatal;
        _groups = recovered.Durable;
        _segments = recovered.Segments;
        _lastSequence = recovered.LastSequence;

        // A fresh segment per open: the recovered last segment may just have been truncated, and
        // the checkpoint lets every older segment go as soon as its entries are compacted.
        WriteBatch([], forceRoll: true);
        DeleteUnneededSegments();

        _thread = new Thread(Run) { IsBackground = true, Name = "OrleansKv WAL writer" };
        _thread.Start();
    }

    /// <summary>The data folder the log and snapshot files live in.</summary>
    public string Directory => _directory;

    /// <summary>Test hook: runs on the writer thread after a batch is written and before its fsync.</summary>
    internal Action? BeforeSync { get; set; }

    /// <summary>How many times a segment was fsynced (one per batch, plus one per open).</summary>
    internal long SyncCount => Interlocked.Read(ref _syncCount);

    /// <summary>
    /// Queues a write and returns at once: callers are grain turns, which must never wait for a
    /// disk. The queue's byte budget is enforced by the callers instead, through
    /// <see cref="IsOverBudget"/> (a peer refuses new client writes while it is set).
    /// </summary>
    public void Enqueue(PendingWrite write)
    {
        lock (_lock)
        {
            ThrowIfUnusable();
            _queue.Add(write);
            _queuedBytes += write.Bytes;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>True while the writes queued and not yet taken by the writer exceed the configured bytes.</summary>
    public bool IsOverBudget => Interlocked.Read(ref _queuedBytes) >= _maxQueuedBytes;

    /// <summary>Writes what is queued, runs its callbacks, then stops the writer.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.PulseAll(_lock);
        }
        _thread.Join();
        if (_unsyncedTail && _failure is null) _segment?.Flush(flushToDisk: true);
        _segment?.Dispose();
    }

    private void ThrowIfUnusable()
    {
        if (_failure is not null) throw new IOException("the write-ahead log failed and accepts no more writes", _failure);
        if (_stopping) throw new ObjectDisposedException(nameof(WalWriter));
    }

    private void Run()
    {
        while (true)
        {
            List<PendingWrite> batch;
            lock (_lock)
            {
                while (_queue.Count == 0 && !_stopping) Monitor.Wait(_lock);
                if (_queue.Count == 0) return;
                batch = _queue;
                _queue = [];
                Interlocked.Exchange(ref _queuedBytes, 0);
            }

            List<string> obsoleteSnapshots;
            try
            {
                obsoleteSnapshots = WriteBatch(batch, forceRoll: false);
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    _failure = e;
                    Monitor.PulseAll(_lock);
                }
                _onFatal(e);
                return;
            }

            foreach (var write in batch) RunCallback(write.OnDurable);
            foreach (var file in obsoleteSnapshots) TryDelete(Path.Combine(_directory, file));
            DeleteUnneededSegments();
        }
    }

    /// <summary>Writes one batch durably; returns snapshot files the batch made obsolete.</summary>
    private List<string> WriteBatch(List<PendingWrite> batch, bool forceRoll)
    {
        _batch.ResetWrittenCount();
        if (forceRoll || _segment is null || _segmentLength >= _segmentBytes) StartSegment();
        var active = _segments[^1];
        var obsolete = new List<string>();

        foreach (var write in batch)
        {
            // The snapshot file is durable before the marker that names it is written.
            if (write.SnapshotFile is { } snapshot) SnapshotFile.Write(_directory, write.Group, snapshot);
            if (write.Entries is { } run)
                _positions.Add((run, new WalPosition(active.Sequence, _segmentLength + _batch.WrittenCount + write.EntriesOffset)));
            _batch.Write(write.Records);

            if (!_groups.TryGetValue(write.Group, out var group)) _groups[write.Group] = group = new GroupDurableState();
            if (write.Snapshot is { } reference)
            {
                if (group.Snapshot is { } previous && previous.FileName != reference.FileName) obsolete.Add(previous.FileName);
                group.Snapshot = reference;
            }
            if (write.Base is { } newBase) (group.BaseIndex, group.BaseTerm) = newBase;
            if (write.LastEntryIndex > 0) active.NoteEntries(write.Group, write.LastEntryIndex);
            if (write.HardState is { } hardState) group.HardState = hardState;
        }

        var segment = _segment!;
        segment.Write(_batch.WrittenSpan);
        _segmentLength += _batch.WrittenCount;
        // The records are in the file now (if not yet on disk): their entries can be read back.
        foreach (var (run, position) in _positions) run.Position = position;
        _positions.Clear();
        if (!forceRoll && !NeedsSync(batch))
        {
            _unsyncedTail = true;
            return obsolete;
        }
        BeforeSync?.Invoke();
        segment.Flush(flushToDisk: true);
        _unsyncedTail = false;
        Interlocked.Increment(ref _syncCount);
        return obsolete;
    }

    private static bool NeedsSync(List<PendingWrite> batch) => batch.Exists(write => write.Sync);

    // Closes the active segment (synced) and starts the next one with a checkpoint.
    private void StartSegment()
    {
        // Only the last segment may end torn: sync what unsynced writes left in this one first.
        if (_unsyncedTail) _segment?.Flush(flushToDisk: true);
        _unsyncedTail = false;
        _segment?.Dispose();
        _lastSequence++;
        var path = Path.Combine(_directory, WalFileNames.Segment(_lastSequence));
        _segment = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _segmentLength = 0;
        DirectorySync.Sync(_directory);
        _segments.Add(new SegmentInfo(_lastSequence, path));

        foreach (var (id, group) in _groups)
        {
            if (!group.HardState.IsEmpty) WalRecordEncoder.HardState(_batch, id, group.HardState);
            if (group.Snapshot is { } snapshot) WalRecordEncoder.SnapshotMarker(_batch, id, snapshot, replacesLog: false);
            if (group.BaseIndex > 0) WalRecordEncoder.Compaction(_batch, id, group.BaseIndex, group.BaseTerm);
        }
    }

    private void DeleteUnneededSegments()
    {
        while (_segments.Count > 1 && IsUnneeded(_segments[0]))
        {
            if (!TryDelete(_segments[0].Path)) return;
            _segments.RemoveAt(0);
        }
    }

    private bool IsUnneeded(SegmentInfo segment)
    {
        foreach (var (group, lastIndex) in segment.LastEntryIndex)
            if (!_groups.TryGetValue(group, out var state) || state.BaseIndex < lastIndex) return false;
        return true;
    }

    // Deleting a file that is no longer needed may fail without risk to data: report and go on.
    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"storage: cannot delete {path}: {e.Message}");
            return false;
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"storage: cannot delete {path}: {e.Message}");
            return false;
        }
    }

    private static void RunCallback(Action callback)
    {
        try
        {
            callback();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"storage: an onDurable callback threw: {e}");
        }
    }
}
