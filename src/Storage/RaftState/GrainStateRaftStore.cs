using Orleans.Storage;
using OrleansKv.Raft;
using OrleansKv.Replica.Storage;

namespace OrleansKv.Storage.RaftState;

/// <summary>
/// A replica's Raft state (term, vote, log, snapshots) kept through any Orleans
/// <see cref="IGrainStorage"/> provider, under the peer grain's id, in the states
/// <see cref="RaftStateNames"/> lists. The Raft core reads from an in-memory view that each
/// write updates at once; the provider writes happen one after another, in order, and each
/// write's callback runs only once the provider has acknowledged it (and every write before it).
/// </summary>
/// <remarks>
/// Every durable write is one log chunk, <c>raft-log-{n}</c>, written create-only: a second
/// activation of the same replica, writing the same chunk number, fails on the ETag. Any failed
/// write stops the store: later writes are not attempted, no callback runs again, and the owner
/// is told (it must stop the replica, which cannot know what is durable any more).
/// Memory: the log since the snapshot stays in memory (the peer's snapshot policy bounds it by
/// entries and bytes); a snapshot's bytes are dropped once its anchor is durable, and read back
/// through <see cref="ReadSnapshotAsync"/> when a follower needs them.
/// </remarks>
public sealed class GrainStateRaftStore : IRaftGroupStore
{
    /// <summary>Writes queued beyond this make the store report itself backed up (the leader then refuses new writes).</summary>
    public const int MaxQueuedWrites = 256;

    // Snapshot chunks written at once: 256 KiB, so a snapshot never stalls a group commit for long.
    private const int SnapshotChunksInFlight = 4;

    // Garbage states cleared at once after a new anchor (tombstones are small).
    private const int ClearsInFlight = 128;

    private readonly IGrainStorage _storage;
    private readonly GrainId _grain;
    private readonly MemoryRaftLog _log;
    private readonly Action<Exception> _onFailure;
    private readonly GrainState<RaftStateRecord> _metaState;
    // The chunks still part of the log, in order, from the moment they are numbered (written or
    // not yet): recovery must start at the first one that holds an entry after a compaction point.
    // Locked: writes complete, and old chunks are cleared, off the grain's turns.
    private readonly Queue<LogChunkInfo> _chunks = new();
    private volatile RaftMeta _meta;
    // The ETags of the anchor's snapshot chunks, when this activation wrote them (clearing them
    // later then needs no read); empty after recovery.
    private string?[] _snapshotChunkETags = [];
    // The metadata of the newest snapshot whose anchor is durable (set by the write chain), not the
    // snapshot, which would pin its bytes. Compared by reference: a later snapshot at the same
    // index is a different write, and not yet durable.
    private SnapshotMetadata? _durableSnapshot;
    private ulong _nextChunk;
    // The writes log chunks and leaders' snapshots wait for, in order.
    private Task _tail = Task.CompletedTask;
    // The anchor writes: each waits for the one before and for the log writes queued before it.
    // A local snapshot's write waits here only, so it does not hold up the log writes after it.
    private Task _anchorTail = Task.CompletedTask;
    private int _queued;
    private readonly AnchorWaits _anchorWaits;
    private volatile Exception? _failure;

    private GrainStateRaftStore(uint groupId, IGrainStorage storage, GrainId grain, MemoryRaftLog log, Action<Exception> onFailure,
        GrainState<RaftStateRecord> metaState, RaftMeta meta, ulong nextChunk)
    {
        GroupId = groupId;
        _storage = storage;
        _grain = grain;
        _log = log;
        _onFailure = onFailure;
        _metaState = metaState;
        _meta = meta;
        _nextChunk = nextChunk;
        _anchorWaits = new AnchorWaits(meta.Snapshot.Index);
        if (!log.Snapshot.IsEmpty) _durableSnapshot = log.Snapshot.Metadata;
    }

    public uint GroupId { get; }
    public HardState HardState => _log.HardState;
    public ulong FirstIndex => _log.FirstIndex;
    public ulong LastIndex => _log.LastIndex;
    public Snapshot Snapshot => _log.Snapshot;
    public SnapshotMetadata SnapshotMetadata => _log.Snapshot.Metadata;
    public bool IsBackedUp => Volatile.Read(ref _queued) > MaxQueuedWrites;
    public bool TryGetTerm(ulong index, out ulong term) => _log.TryGetTerm(index, out term);
    public void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into) => _log.GetEntries(lo, hi, maxBytes, into);

    /// <summary>Whether the snapshot's bytes are held in memory (for tests).</summary>
    internal bool SnapshotInMemory => !_log.SnapshotDataReleased;

    /// <summary>The chunk number the next durable write gets (for tests).</summary>
    internal ulong NextChunk => _nextChunk;

    /// <summary>
    /// Reads the replica's state back (see <see cref="RaftStateReader"/>) and opens it for writing.
    /// </summary>
    /// <param name="onFailure">Told once if a later write fails; the replica must stop.</param>
    public static async Task<GrainStateRaftStore> OpenAsync(uint groupId, IGrainStorage storage, GrainId grain, Action<Exception> onFailure)
    {
        var recovered = await RaftStateReader.ReadAsync(storage, grain).ConfigureAwait(false);
        var store = new GrainStateRaftStore(groupId, storage, grain, recovered.Log, onFailure, recovered.MetaState, recovered.Meta, recovered.NextChunk);
        foreach (var chunk in recovered.Chunks) store._chunks.Enqueue(chunk);
        _ = store.ClearLeftBehindAsync(recovered.Meta.FirstChunk);
        return store;
    }

    public void Persist(RaftWrite write, Action onDurable)
    {
        ThrowIfFailed();
        if (write.Snapshot is { } snapshot)
        {
            // Checked before the snapshot changes anything (without one, Append checks them first).
            MemoryRaftLog.ValidateConsecutive(write.Entries);
            // A leader's snapshot replaces the log: its chunks and a new anchor first, which names
            // the chunk after it as the log's first; the chunks before it are garbage then.
            _log.ApplySnapshot(snapshot);
            var (firstChunk, anchorHardState) = (_nextChunk, _log.HardState);
            // Everything after it waits for it: recovery reads the chunks after this snapshot only
            // once its anchor is durable.
            Interlocked.Increment(ref _queued);
            _tail = _anchorTail = RunAfterAsync(Task.WhenAll(_tail, _anchorTail),
                () => WriteSnapshotAsync(snapshot.Metadata, SnapshotSource.FromBytes(snapshot.Data), firstChunk, anchorHardState), onDurable: null);
        }
        _log.Append(write.Entries);
        if (write.HardState is { } hardState) _log.SetHardState(hardState);
        if (write.Entries.Count == 0 && write.Snapshot is null && !write.Sync)
        {
            // Only the commit index moved: it goes out with the next chunk (a crash may lose it).
            onDurable();
            return;
        }
        var chunk = new LogChunkInfo(_nextChunk++, _log.LastIndex);
        lock (_chunks) _chunks.Enqueue(chunk);
        var record = RaftStateCodec.Encode(new RaftLogChunk(chunk.Sequence, _log.HardState, write.Entries));
        Interlocked.Increment(ref _queued);
        _tail = RunAfterAsync(_tail, () => WriteChunkAsync(chunk, record), onDurable);
        ReleaseDurableSnapshot();
    }

    /// <summary>
    /// Records a local snapshot without its bytes and queues its write: the chunks are read from
    /// <paramref name="data"/> a window at a time as they are written, then the anchor names them.
    /// A follower that needs the snapshot meanwhile gets it once the anchor is durable (<see cref="ReadSnapshotAsync"/>).
    /// </summary>
    public void SaveSnapshot(SnapshotMetadata metadata, SnapshotSource data, ulong compactTo, Action onDurable)
    {
        ThrowIfFailed();
        SnapshotRules.Validate(metadata, compactTo, _log);
        _log.RecordSnapshot(new Snapshot(metadata, []));
        _log.ReleaseSnapshotData();
        _log.Compact(compactTo);
        // Recovery starts at the first chunk holding an entry after the snapshot: it restores the log
        // from the snapshot on, so the entries kept behind it (in memory, for followers that lag a
        // little) need not be read back, and the chunks that hold only those are cleared.
        var firstChunk = _nextChunk;
        lock (_chunks)
            foreach (var chunk in _chunks)
                if (chunk.LastIndex > metadata.Index) { firstChunk = chunk.Sequence; break; }
        // The anchor is written once every write queued before it is durable (its hard state and
        // first chunk speak for them), but the log writes queued after it go on meanwhile.
        var hardState = _log.HardState;
        Interlocked.Increment(ref _queued);
        _anchorTail = RunAfterAsync(Task.WhenAll(_tail, _anchorTail),
            () => WriteSnapshotAsync(metadata, data, firstChunk, hardState), onDurable);
    }

    /// <summary>
    /// The bytes of <paramref name="sent"/>, if they were dropped, read back from the chunks of the
    /// anchor's snapshot, which is <paramref name="sent"/> or a later one. A local snapshot whose
    /// anchor is still on its way is read once the anchor is durable.
    /// </summary>
    public async Task<Snapshot> ReadSnapshotAsync(Snapshot sent)
    {
        if (sent.Data.Length > 0 || sent.IsEmpty) return sent;
        if (_anchorWaits.WaitFor(sent.Metadata.Index) is { } anchored) await anchored.ConfigureAwait(false);
        while (true)
        {
            var meta = _meta;
            try
            {
                return new Snapshot(meta.Snapshot, await RaftStateReader.ReadSnapshotAsync(_storage, _grain, meta).ConfigureAwait(false));
            }
            catch (RaftStateCorruptException) when (!ReferenceEquals(meta, _meta))
            {
                // A later snapshot's anchor replaced this one meanwhile and its chunks were cleared: read that one.
            }
        }
    }

    // Drops the snapshot's bytes once its anchor is durable: the state machine holds the same
    // state, and a follower that needs them gets them through ReadSnapshotAsync.
    private void ReleaseDurableSnapshot()
    {
        if (!_log.SnapshotDataReleased && !_log.Snapshot.IsEmpty && ReferenceEquals(_log.Snapshot.Metadata, Volatile.Read(ref _durableSnapshot)))
            _log.ReleaseSnapshotData();
    }

    // Runs one write after the ones it waits for; a failure stops every later write and callback.
    private async Task RunAfterAsync(Task previous, Func<Task> write, Action? onDurable)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _queued);
            throw;
        }
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _failure = e;
            _onFailure(e);
            _anchorWaits.Failed(e);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
        onDurable?.Invoke();
    }

    private async Task WriteChunkAsync(LogChunkInfo chunk, byte[] record)
    {
        // Create-only (no ETag): the number is new, unless another activation wrote it.
        var state = new GrainState<RaftStateRecord>(new RaftStateRecord { Data = record });
        await _storage.WriteStateAsync(RaftStateNames.LogChunk(chunk.Sequence), _grain, state).ConfigureAwait(false);
        chunk.ETag = state.ETag;
    }

    // The hard state comes from the grain's turn that queued the write: the log's own is the
    // grain's to change meanwhile.
    private async Task WriteSnapshotAsync(SnapshotMetadata metadata, SnapshotSource data, ulong firstChunk, HardState hardState)
    {
        var generation = _meta.SnapshotGeneration + 1;
        // A few at a time: the chunks are independent states (garbage until the anchor names them),
        // but a provider that commits writes in batches (ours) would otherwise put the whole
        // snapshot into one batch, and every log write of the silo would wait for its fsync.
        // Each chunk is read from the source as its write starts, so only a window of them is in memory.
        var count = (int)((data.Length + RaftStateNames.SnapshotChunkBytes - 1) / RaftStateNames.SnapshotChunkBytes);
        var etags = new string?[count];
        using (var stream = data.Open())
        {
            await InWindows.RunAsync(count, SnapshotChunksInFlight,
                n => OverwriteAsync(RaftStateNames.SnapshotChunk(generation, n), ReadChunk(data, stream, n)), (n, etag) => etags[n] = etag).ConfigureAwait(false);
            data.EnsureEnded(stream);
        }
        var (previous, previousETags) = (_meta, _snapshotChunkETags);
        var meta = new RaftMeta(metadata, data.Length, generation, count, firstChunk, hardState);
        _metaState.State = new RaftStateRecord { Data = RaftStateCodec.Encode(meta) };
        await _storage.WriteStateAsync(RaftStateNames.Meta, _grain, _metaState).ConfigureAwait(false);
        _meta = meta;
        _snapshotChunkETags = etags;
        _anchorWaits.Anchored(metadata.Index);
        Volatile.Write(ref _durableSnapshot, metadata);
        // Garbage collection, off the write path: a failure or crash here only leaves garbage.
        _ = ClearReplacedAsync(previous, previousETags, meta);
    }

    // Chunk n of a snapshot's bytes: the next ones of the stream (chunks are read in order).
    private static byte[] ReadChunk(SnapshotSource data, Stream stream, int n)
    {
        var chunk = new byte[Math.Min(RaftStateNames.SnapshotChunkBytes, data.Length - (long)n * RaftStateNames.SnapshotChunkBytes)];
        data.ReadExactly(stream, chunk);
        return chunk;
    }

    // A generation's chunks may exist already: an attempt that crashed before its anchor was written.
    private async Task<string?> OverwriteAsync(string name, byte[] data)
    {
        var state = RaftStateReader.NewState();
        await _storage.ReadStateAsync(name, _grain, state).ConfigureAwait(false);
        state.State = new RaftStateRecord { Data = data };
        await _storage.WriteStateAsync(name, _grain, state).ConfigureAwait(false);
        return state.ETag;
    }

    // After a new anchor is durable: the old snapshot's chunks and the log chunks before the first
    // one it names are no longer read by anyone.
    private async Task ClearReplacedAsync(RaftMeta previous, string?[] previousChunkETags, RaftMeta current)
    {
        try
        {
            var garbage = new List<(string Name, string? ETag)>();
            for (var n = 0; n < previous.SnapshotChunks; n++)
                garbage.Add((RaftStateNames.SnapshotChunk(previous.SnapshotGeneration, n), n < previousChunkETags.Length ? previousChunkETags[n] : null));
            lock (_chunks)
                while (_chunks.Count > 0 && _chunks.Peek().Sequence < current.FirstChunk)
                {
                    var chunk = _chunks.Dequeue();
                    garbage.Add((RaftStateNames.LogChunk(chunk.Sequence), chunk.ETag));
                }
            // Many at a time: a provider that commits in batches (ours) then clears them with a few
            // fsyncs, where one at a time cost thousands and crowded the disk the log writes need.
            await InWindows.RunAsync(garbage.Count, ClearsInFlight, n => ClearAsync(garbage[n].Name, garbage[n].ETag), (_, _) => { }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Left behind: states nothing reads. The replica itself is unharmed.
        }
    }

    // A crash while old chunks were being cleared leaves the last of them: clearing goes up from the
    // oldest, so they sit just below the anchor's first chunk. Garbage collection, like the clearing.
    private async Task ClearLeftBehindAsync(ulong firstChunk)
    {
        try
        {
            for (var sequence = firstChunk - 1; sequence >= 1; sequence--)
                if (!await ClearAsync(RaftStateNames.LogChunk(sequence), etag: null).ConfigureAwait(false)) break;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Left behind again; the next start tries again.
        }
    }

    // Clears a state by its known ETag, or (none known) by the one a read finds. False if there was nothing to clear.
    private async Task<bool> ClearAsync(string name, string? etag)
    {
        var state = RaftStateReader.NewState();
        if (etag is null) await _storage.ReadStateAsync(name, _grain, state).ConfigureAwait(false);
        else state.ETag = etag;
        if (etag is null && !state.RecordExists) return false;
        await _storage.ClearStateAsync(name, _grain, state).ConfigureAwait(false);
        return true;
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure) throw new InvalidOperationException($"group {GroupId}: a storage write failed; this replica must stop", failure);
    }
}
