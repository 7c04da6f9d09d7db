namespace OrleansKv.Storage.Wal;

/// <summary>Where a record starts: the segment's sequence number and the byte offset in that file.</summary>
internal sealed record WalPosition(ulong Segment, long Offset);
