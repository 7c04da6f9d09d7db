using Xunit.Abstractions;

namespace OrleansKv.Simulation;

/// <summary>The CI sweep: 500 seeds, alternating 3 and 5 nodes, in parallel across cores.</summary>
public sealed class SeedSweepTests(ITestOutputHelper output)
{
    public const int Seeds = 500;

    [Fact]
    public void FiveHundredSeedsKeepEveryInvariant()
    {
        var sweep = SeedSweep.Run(0, Seeds);
        output.WriteLine(sweep.Summary());

        Assert.True(sweep.Failures.Count == 0, $"{sweep.Failures.Count} of {Seeds} seeds failed:\n{sweep.Summary()}");

        // The sweep is only worth something if it exercised every kind of fault.
        var t = sweep.Totals;
        Assert.All(
            new[]
            {
                ("crashes", t.Crashes), ("crashes during fsync", t.CrashesDuringFsync), ("symmetric partitions", t.SymmetricPartitions),
                ("one-way partitions", t.OneWayPartitions), ("loss bursts", t.LossBursts), ("duplicated messages", t.MessagesDuplicated),
                ("learners added", t.LearnersAdded), ("promotions", t.Promotions), ("voters removed", t.VotersRemoved),
                ("leaders removed", t.LeadersRemoved), ("transfers completed", t.TransfersCompleted), ("snapshots installed", t.SnapshotsInstalled),
                ("operations abandoned", t.OperationsAbandoned), ("retries answered from a session", t.DuplicateApplies),
                ("entries applied while the leader's fsync ran", t.EarlyAppliedEntries),
            },
            kind => Assert.True(kind.Item2 > 0, $"the sweep never exercised {kind.Item1}"));
    }
}
