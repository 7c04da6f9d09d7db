using Orleans.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Storage.RaftState;

/// <summary>
/// Reads a replica's Raft state back from its grain states: the anchor (<c>raft-meta</c>), the
/// snapshot's chunks, then the log chunks from the anchor's first one until a number is missing.
/// Writes are sequential, so there is no hole, and every record is checked as it is decoded.
/// </summary>
internal static class RaftStateReader
{
    // States asked for at once: a remote provider (Azure Blob) answers each read in milliseconds,
    // a replica may have a log chunk per write since its last snapshot, and a snapshot has a chunk
    // per 64 KiB. Log reads past the end of the log find nothing.
    private const int ChunksReadAhead = 32;

    /// <summary>What a replica's grain states held when it opened.</summary>
    /// <param name="MetaState">The anchor as read, with its ETag, for the next anchor write.</param>
    /// <param name="Chunks">The log chunks read, oldest first.</param>
    /// <param name="NextChunk">The number the next log chunk gets: the first missing one.</param>
    public sealed record Recovered(GrainState<RaftStateRecord> MetaState, RaftMeta Meta, MemoryRaftLog Log, IReadOnlyList<LogChunkInfo> Chunks, ulong NextChunk);

    public static async Task<Recovered> ReadAsync(IGrainStorage storage, GrainId grain)
    {
        var metaState = await ReadStateAsync(storage, grain, RaftStateNames.Meta).ConfigureAwait(false);
        var meta = metaState.RecordExists ? RaftStateCodec.DecodeMeta(DataOf(metaState, RaftStateNames.Meta), RaftStateNames.Meta) : RaftMeta.Initial;
        var log = new MemoryRaftLog();
        if (meta.Snapshot.Index > 0)
            log.ApplySnapshot(new Snapshot(meta.Snapshot, await ReadSnapshotAsync(storage, grain, meta).ConfigureAwait(false)));
        var hardState = meta.HardState;
        var chunks = new List<LogChunkInfo>();
        var sequence = meta.FirstChunk;
        var ended = false;
        while (!ended)
        {
            var reads = new Task<GrainState<RaftStateRecord>>[ChunksReadAhead];
            for (var i = 0; i < reads.Length; i++) reads[i] = ReadStateAsync(storage, grain, RaftStateNames.LogChunk(sequence + (ulong)i));
            foreach (var state in await Task.WhenAll(reads).ConfigureAwait(false))
            {
                if (!state.RecordExists) { ended = true; break; }
                var name = RaftStateNames.LogChunk(sequence);
                var chunk = RaftStateCodec.DecodeChunk(DataOf(state, name), name);
                if (chunk.Sequence != sequence) throw new RaftStateCorruptException($"Raft state '{name}' says it is chunk {chunk.Sequence}");
                if (chunk.Entries.Count > 0 && chunk.Entries[0].Index > log.LastIndex + 1)
                    throw new RaftStateCorruptException($"Raft state '{name}' starts at entry {chunk.Entries[0].Index}, after a log that ends at {log.LastIndex}");
                log.Append(chunk.Entries);
                hardState = chunk.HardState;
                chunks.Add(new LogChunkInfo(sequence, log.LastIndex) { ETag = state.ETag });
                sequence++;
            }
        }
        log.SetHardState(hardState);
        return new Recovered(metaState, meta, log, chunks, sequence);
    }

    /// <summary>The bytes of the snapshot <paramref name="meta"/> names, from its chunks; a missing or short chunk is corruption.</summary>
    public static async Task<byte[]> ReadSnapshotAsync(IGrainStorage storage, GrainId grain, RaftMeta meta)
    {
        var data = new byte[meta.SnapshotBytes];
        long offset = 0;
        await InWindows.RunAsync(meta.SnapshotChunks, ChunksReadAhead,
            n => ReadStateAsync(storage, grain, RaftStateNames.SnapshotChunk(meta.SnapshotGeneration, n)), (n, state) =>
            {
                var name = RaftStateNames.SnapshotChunk(meta.SnapshotGeneration, n);
                if (!state.RecordExists) throw new RaftStateCorruptException($"Raft state '{name}' is missing: the snapshot at {meta.Snapshot.Index} has {meta.SnapshotChunks} chunks");
                var chunk = DataOf(state, name);
                if (offset + chunk.Length > data.LongLength) throw new RaftStateCorruptException($"Raft state '{name}' runs past the snapshot's {meta.SnapshotBytes} bytes");
                chunk.CopyTo(data, offset);
                offset += chunk.Length;
            }).ConfigureAwait(false);
        if (offset != data.LongLength) throw new RaftStateCorruptException($"the snapshot at {meta.Snapshot.Index} holds {offset} of {meta.SnapshotBytes} bytes");
        return data;
    }

    /// <summary>A state holder for one of the replica's records, empty until read or written.</summary>
    public static GrainState<RaftStateRecord> NewState() => new(new RaftStateRecord());

    private static async Task<GrainState<RaftStateRecord>> ReadStateAsync(IGrainStorage storage, GrainId grain, string name)
    {
        var state = NewState();
        await storage.ReadStateAsync(name, grain, state).ConfigureAwait(false);
        return state;
    }

    // An existing record the provider returned without a value is as unreadable as a damaged one.
    private static byte[] DataOf(GrainState<RaftStateRecord> state, string name) =>
        state.State?.Data ?? throw new RaftStateCorruptException($"Raft state '{name}' exists but holds no value");
}
