namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// Where the latest durable record of a key is: segment, offset, length, its sequence (ETag),
/// whether it is a tombstone, and for a tombstone the newest segment that may still hold an older
/// record of the key (the tombstone must outlive every segment up to that one).
/// </summary>
internal readonly record struct StateIndexEntry(ulong Segment, long Offset, long Length, ulong Sequence, bool Tombstone, ulong ShadowsUpTo);
