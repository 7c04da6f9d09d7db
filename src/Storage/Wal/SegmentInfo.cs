namespace OrleansKv.Storage.Wal;

/// <summary>A segment file and, per group, the highest entry index it holds (what pins the file).</summary>
internal sealed class SegmentInfo(ulong sequence, string path)
{
    public ulong Sequence { get; } = sequence;
    public string Path { get; } = path;
    public Dictionary<uint, ulong> LastEntryIndex { get; } = [];

    public void NoteEntries(uint group, ulong lastIndex)
    {
        if (!LastEntryIndex.TryGetValue(group, out var current) || current < lastIndex) LastEntryIndex[group] = lastIndex;
    }
}
