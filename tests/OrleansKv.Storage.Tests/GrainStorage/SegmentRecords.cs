using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>Where a segment file's records end: the zeros the log writes ahead of them are not records.</summary>
internal static class SegmentRecords
{
    public static long End(string segment)
    {
        var bytes = File.ReadAllBytes(segment);
        long offset = StateRecordFormat.SegmentHeaderSize;
        while (StateRecordFormat.TryDecodeRecordHeader(bytes.AsSpan((int)offset), bytes.Length - offset, out var header))
            offset += header.RecordLength;
        return offset;
    }
}
