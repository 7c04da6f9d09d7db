namespace OrleansKv.Storage.Wal;

/// <summary>
/// Entries [First, Last] of one group as one entries record of the log holds them. The position
/// is unknown (null) from the Persist call that made the run until the writer has appended the
/// record to a segment; it is set once, from the writer thread.
/// </summary>
internal sealed class EntryRun(ulong first, ulong last, WalPosition? position = null)
{
    private WalPosition? _position = position;

    public ulong First { get; } = first;

    /// <summary>Lowered when a later write replaces the tail of the run (the record keeps the old entries, unread).</summary>
    public ulong Last { get; set; } = last;

    public WalPosition? Position
    {
        get => Volatile.Read(ref _position);
        set => Volatile.Write(ref _position, value);
    }
}
