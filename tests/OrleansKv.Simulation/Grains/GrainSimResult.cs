using OrleansKv.Linearizability;

namespace OrleansKv.Simulation.Grains;

/// <summary>The outcome of one grain-simulation seed, with what it exercised.</summary>
public sealed class GrainSimResult
{
    public required GrainSimOptions Options { get; init; }
    public string? Failure { get; init; }
    public required ulong TraceHash { get; init; }
    public CheckOutcome? Linearizability { get; init; }
    public int HistoryLength { get; init; }
    public required GrainSimStats Stats { get; init; }
    public bool Passed => Failure is null;

    public override string ToString() =>
        (Passed ? $"grain seed {Options.Seed} ({Options.Nodes} nodes): ok" : $"grain seed {Options.Seed} ({Options.Nodes} nodes): FAILED: {Failure}\n  replay: {Options.ReplayCommand}") +
        $" [trace {Fnv.Hex(TraceHash)}, {HistoryLength} ops, linearizability {Linearizability?.ToString() ?? "not checked"}]";
}

/// <summary>Counts of what a run exercised (summed over a sweep).</summary>
public sealed class GrainSimStats
{
    public long Crashes, CrashesWithFsyncInFlight, Partitions, Transfers, SnapshotsTaken, SnapshotsInstalled, SnapshotsReadBack;
    public long ClientOps, Retries, Unknown, Acknowledged, ConditionFailures, RetriedWritesAcknowledged, StaleReads, SessionsExpired, MessagesDropped, MessagesDuplicated;

    public void Add(GrainSimStats o)
    {
        Crashes += o.Crashes; CrashesWithFsyncInFlight += o.CrashesWithFsyncInFlight; Partitions += o.Partitions; Transfers += o.Transfers;
        SnapshotsTaken += o.SnapshotsTaken; SnapshotsInstalled += o.SnapshotsInstalled; SnapshotsReadBack += o.SnapshotsReadBack; ClientOps += o.ClientOps; Retries += o.Retries;
        Unknown += o.Unknown; Acknowledged += o.Acknowledged; ConditionFailures += o.ConditionFailures; RetriedWritesAcknowledged += o.RetriedWritesAcknowledged;
        StaleReads += o.StaleReads; SessionsExpired += o.SessionsExpired; MessagesDropped += o.MessagesDropped; MessagesDuplicated += o.MessagesDuplicated;
    }

    public override string ToString() =>
        $"crashes {Crashes} ({CrashesWithFsyncInFlight} with fsync in flight), partitions {Partitions}, transfers {Transfers}, " +
        $"snapshots taken {SnapshotsTaken} / installed {SnapshotsInstalled} / read back for a follower {SnapshotsReadBack}, client ops {ClientOps} (acknowledged {Acknowledged}, unknown {Unknown}, " +
        $"condition failures {ConditionFailures}, stale reads {StaleReads}, sessions expired {SessionsExpired}), retries {Retries} ({RetriedWritesAcknowledged} writes acknowledged after a retry), " +
        $"messages dropped {MessagesDropped}, duplicated {MessagesDuplicated}";
}
