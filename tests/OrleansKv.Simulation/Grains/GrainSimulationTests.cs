using Xunit.Abstractions;

namespace OrleansKv.Simulation.Grains;

/// <summary>
/// The real peer grain, KV state machine and storage seam under the seeded fault schedule: the
/// CI sweep, replay determinism, and proof that the checks catch a disk that lies about fsync.
/// </summary>
public sealed class GrainSimulationTests(ITestOutputHelper output)
{
    public const int Seeds = 1000;

    [Fact]
    public void A_thousand_grain_seeds_keep_every_invariant_and_every_history_is_linearizable()
    {
        var sweep = GrainSeedSweep.Run(0, Seeds);
        output.WriteLine(sweep.Summary());

        Assert.True(sweep.Failures.Count == 0, $"{sweep.Failures.Count} of {Seeds} grain seeds failed:\n{sweep.Summary()}");

        // The sweep is only worth something if it exercised every kind of fault and every session path.
        var t = sweep.Totals;
        Assert.All(
            new[]
            {
                ("crashes", t.Crashes), ("crashes with an fsync in flight", t.CrashesWithFsyncInFlight), ("partitions", t.Partitions),
                ("transfers", t.Transfers), ("snapshots taken", t.SnapshotsTaken), ("snapshots installed", t.SnapshotsInstalled),
                ("snapshots read back from storage for a follower", t.SnapshotsReadBack),
                ("operations with an unknown outcome", t.Unknown), ("condition failures", t.ConditionFailures), ("stale reads", t.StaleReads),
                ("expired sessions", t.SessionsExpired), ("writes acknowledged after a retry", t.RetriedWritesAcknowledged),
                ("duplicated messages", t.MessagesDuplicated), ("dropped messages", t.MessagesDropped),
            },
            kind => Assert.True(kind.Item2 > 0, $"the sweep never exercised {kind.Item1}"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void The_same_seed_replays_the_same_run(int seed)
    {
        var first = new GrainSimulation(GrainSimOptions.ForSeed(seed)).Run();
        var second = new GrainSimulation(GrainSimOptions.ForSeed(seed)).Run();

        Assert.True(first.Passed, first.ToString());
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Stats.ToString(), second.Stats.ToString());
        Assert.Equal(first.HistoryLength, second.HistoryLength);
    }

    [Fact]
    public void Different_seeds_take_different_paths()
    {
        Assert.NotEqual(new GrainSimulation(GrainSimOptions.ForSeed(20)).Run().TraceHash, new GrainSimulation(GrainSimOptions.ForSeed(22)).Run().TraceHash);
    }

    [Fact]
    public void Without_faults_the_run_passes_and_nearly_every_operation_is_acknowledged()
    {
        var result = new GrainSimulation(GrainSimOptions.ForSeed(5) with { Faults = false }).Run();

        Assert.True(result.Passed, result.ToString());
        // Only operations sent before the first election may be given up on.
        Assert.True(result.Stats.Unknown * 100 < result.Stats.ClientOps, result.Stats.ToString());
        Assert.Equal(0, result.Stats.Crashes);
        Assert.True(result.Stats.Acknowledged > 500, result.Stats.ToString());
        Assert.Equal(Linearizability.CheckOutcome.Ok, result.Linearizability);
    }

    [Fact]
    public void A_disk_that_forgets_a_write_it_reported_durable_is_caught()
    {
        // Safety rests on fsync: a replica that acknowledges, votes or sends and then loses that on a
        // crash can let an acknowledged write vanish or two leaders share a term. The checks must see it.
        var sweep = GrainSeedSweep.Run(0, 100, configure: o => o with { LyingDisk = true });
        output.WriteLine(sweep.Summary());

        Assert.NotEmpty(sweep.Failures);
    }

    [Fact]
    public void Retries_that_reopen_an_expired_session_apply_twice_and_are_caught()
    {
        // The bug the SESSION_EXPIRED answer fixes: a retry arriving after its session expired opened a
        // new session and applied the write a second time.
        var sweep = GrainSeedSweep.Run(0, 200, configure: o => o with { RetriesReopenSessions = true });
        output.WriteLine(sweep.Summary());

        Assert.NotEmpty(sweep.Failures);
    }
}
