namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// Counters of a state log: records written, group-commit batches, fsyncs (files and directory),
/// segments compacted, segments on disk, index entries (tombstones included), bytes on disk and
/// live bytes.
/// </summary>
public readonly record struct StateLogStatistics(long Records, long Batches, long Fsyncs, long Compactions, int Segments, int IndexEntries, long DiskBytes, long LiveBytes);
