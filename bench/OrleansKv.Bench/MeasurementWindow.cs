namespace OrleansKv.Bench;

/// <summary>
/// The recorded part of a run, in Stopwatch timestamps: operations that complete inside it count; those that
/// complete during the warm-up before it do not, and no operation starts after it ends.
/// </summary>
internal readonly record struct MeasurementWindow(long StartTimestamp, long EndTimestamp)
{
    public bool Contains(long timestamp) => timestamp >= StartTimestamp && timestamp <= EndTimestamp;
}
