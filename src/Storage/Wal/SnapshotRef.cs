namespace OrleansKv.Storage.Wal;

/// <summary>Where a group's snapshot lives: its log position and its file in the data folder.</summary>
internal sealed record SnapshotRef(ulong Index, ulong Term, string FileName);
