using System.Diagnostics;
using System.Numerics;

namespace OrleansKv.Bench;

/// <summary>
/// Log-linear histogram of latencies in Stopwatch ticks: exact below 256 ticks, above that 128 buckets per
/// power of two (relative error under 0.8%). Fixed size and allocation-free to record, so each caller owns
/// one and the hot loop never locks or allocates; callers' histograms are merged after the run.
/// </summary>
internal sealed class LatencyHistogram
{
    // A value keeps its top SubBucketBits bits; HalfCount buckets cover each power of two above the exact range.
    private const int SubBucketBits = 8;
    private const int HalfCount = 1 << (SubBucketBits - 1);
    private const int BucketCount = (64 - SubBucketBits + 1) * HalfCount;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    /// <summary>The largest value recorded, exact (not rounded to its bucket).</summary>
    public long MaxTicks { get; private set; }

    public void Record(long ticks)
    {
        if (ticks < 0) ticks = 0;
        _counts[IndexOf(ticks)]++;
        Count++;
        if (ticks > MaxTicks) MaxTicks = ticks;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        if (other.MaxTicks > MaxTicks) MaxTicks = other.MaxTicks;
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of the recorded values lie, in milliseconds.</summary>
    public double PercentileMs(double percentile)
    {
        if (Count == 0) return 0;
        var target = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            // Report the bucket's highest value (never above the true maximum), so percentiles do not flatter.
            if (seen >= target) return ToMs(Math.Min(HighestValueIn(i), MaxTicks));
        }
        return ToMs(MaxTicks);
    }

    public double MaxMs => ToMs(MaxTicks);

    public static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static int IndexOf(long value)
    {
        var highestBit = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = Math.Max(0, highestBit - (SubBucketBits - 1));
        return shift * HalfCount + (int)(value >> shift);
    }

    private static long HighestValueIn(int index)
    {
        var shift = Math.Max(0, index / HalfCount - 1);
        var mantissa = index - shift * HalfCount;
        return shift >= 63 - SubBucketBits ? long.MaxValue : ((long)(mantissa + 1) << shift) - 1;
    }
}
