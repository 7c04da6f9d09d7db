namespace OrleansKv.Storage.GrainStorage;

/// <summary>What recovery found in a provider's directory: the segments (oldest first, handles open), the index, the next sequence, and what it repaired.</summary>
internal sealed class RecoveredStateLog
{
    public List<StateSegment> Segments { get; } = [];
    public Dictionary<string, StateIndexEntry> Index { get; } = new(StringComparer.Ordinal);
    public ulong NextSequence { get; set; } = 1;
    public List<string> Warnings { get; } = [];
}
