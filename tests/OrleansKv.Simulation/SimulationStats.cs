namespace OrleansKv.Simulation;

/// <summary>Counts of what a run exercised, summed over seeds for the report.</summary>
public sealed class SimulationStats
{
    public long Crashes;
    public long CrashesDuringFsync;
    public long Restarts;
    public long SymmetricPartitions;
    public long OneWayPartitions;
    public long LossBursts;
    public long DuplicationBursts;
    public long DelayBursts;
    public long SlowDisks;
    public long LeaderChurns;
    public long LearnersAdded;
    public long Promotions;
    public long VotersRemoved;
    public long LeadersRemoved;
    public long LearnersRemoved;
    public long TransfersRequested;
    public long TransfersCompleted;
    public long SnapshotsTaken;
    public long SnapshotsInstalled;
    public long LeaderChanges;
    public long MessagesSent;
    public long MessagesDropped;
    public long MessagesDuplicated;
    public long OperationsInvoked;
    public long OperationsAcknowledged;
    public long OperationsAbandoned;
    public long ReadIndexReads;
    public long LogReads;
    public long Retries;
    public long DuplicateApplies;
    public long CommittedEntries;
    /// <summary>Entries a leader applied while its own fsync was still running (RaftNode.TakeEarlyApply).</summary>
    public long EarlyAppliedEntries;
    public long Ticks;
    public long MaxTerm;

    private static readonly System.Reflection.FieldInfo[] Fields = typeof(SimulationStats).GetFields();

    public void Add(SimulationStats other)
    {
        foreach (var field in Fields)
        {
            var value = (long)field.GetValue(this)!;
            var add = (long)field.GetValue(other)!;
            field.SetValue(this, field.Name == nameof(MaxTerm) ? Math.Max(value, add) : value + add);
        }
    }

    public override string ToString() =>
        $"crashes={Crashes} (during fsync {CrashesDuringFsync}) restarts={Restarts} partitions: symmetric={SymmetricPartitions} one-way={OneWayPartitions}\n" +
        $"bursts: loss={LossBursts} dup={DuplicationBursts} delay={DelayBursts} slow-disk={SlowDisks} leader-churn={LeaderChurns}\n" +
        $"membership: learners added={LearnersAdded} promoted={Promotions} voters removed={VotersRemoved} (leaders {LeadersRemoved}) learners removed={LearnersRemoved}\n" +
        $"transfers: requested={TransfersRequested} completed={TransfersCompleted}  leader changes={LeaderChanges} max term={MaxTerm}\n" +
        $"snapshots: taken={SnapshotsTaken} installed from leader={SnapshotsInstalled}  committed entries={CommittedEntries} (applied early by a leader {EarlyAppliedEntries})\n" +
        $"messages: sent={MessagesSent} dropped={MessagesDropped} duplicated={MessagesDuplicated}\n" +
        $"client ops: invoked={OperationsInvoked} acknowledged={OperationsAcknowledged} abandoned={OperationsAbandoned} retries={Retries} " +
        $"readindex reads={ReadIndexReads} log reads={LogReads} duplicate applies={DuplicateApplies}  ticks={Ticks}";
}
