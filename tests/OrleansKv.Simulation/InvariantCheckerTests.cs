using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>The checks must fire on the violations they exist for (a checker that never fails proves nothing).</summary>
public sealed class InvariantCheckerTests
{
    private static Entry Command(ulong index, ulong term, string text) => new(index, term, EntryType.Normal, Fnv.Utf8(text));

    [Fact]
    public void DivergentAppliedEntryIsCaught()
    {
        var checker = new InvariantChecker();
        checker.RecordApplied(1, Command(5, 2, "put a=1"));
        checker.RecordApplied(2, Command(5, 2, "put a=1"));

        var violation = Assert.Throws<InvariantViolation>(() => checker.RecordApplied(3, Command(5, 3, "put a=2")));
        Assert.Contains("state machine safety", violation.Message);
    }

    [Fact]
    public void AppliedEntryDifferentFromTheCommittedOneIsCaught()
    {
        var checker = new InvariantChecker();
        checker.RecordCommitted(1, 2, [Command(4, 2, "x")]);
        Assert.Throws<InvariantViolation>(() => checker.RecordApplied(2, Command(4, 2, "y")));
    }

    [Fact]
    public void DivergentStateDigestIsCaught()
    {
        var checker = new InvariantChecker();
        checker.RecordMachineState(1, 9, 0xABCD);
        Assert.Throws<InvariantViolation>(() => checker.RecordMachineState(2, 9, 0xABCE));
    }

    [Fact]
    public void TwoLeadersInOneTermAreCaught()
    {
        var checker = new InvariantChecker();
        Assert.True(checker.RecordLeader(1, 4));
        Assert.False(checker.RecordLeader(1, 4));
        Assert.Throws<InvariantViolation>(() => checker.RecordLeader(2, 4));
    }

    [Fact]
    public void TwoVotesInOneTermAreCaught()
    {
        var checker = new InvariantChecker();
        checker.RecordVoteGranted(3, 7, 1);
        checker.RecordVoteGranted(3, 7, 1);
        Assert.Throws<InvariantViolation>(() => checker.RecordVoteGranted(3, 7, 2));
    }

    [Fact]
    public void DurableStateGoingBackIsCaught()
    {
        var checker = new InvariantChecker();
        checker.RecordDurableHardState(1, new HardState(3, 2, 10));
        Assert.Throws<InvariantViolation>(() => checker.RecordDurableHardState(1, new HardState(3, 2, 9)));
        Assert.Throws<InvariantViolation>(() => checker.RecordDurableHardState(1, new HardState(3, 1, 10)));
        Assert.Throws<InvariantViolation>(() => checker.RecordDurableHardState(1, new HardState(2, 0, 10)));
    }

    [Fact]
    public void CorruptedStoredLogBreaksLogMatching()
    {
        var checker = new InvariantChecker();
        var good = new MemoryRaftLog();
        good.Append([Command(1, 1, "a"), Command(2, 1, "b"), Command(3, 2, "c")]);
        checker.RecordStoredEntries(1, good, [Command(1, 1, "a"), Command(2, 1, "b"), Command(3, 2, "c")]);

        // Same index and term, different command: as if a disk or a buggy leader corrupted the entry.
        var corrupt = new MemoryRaftLog();
        corrupt.Append([Command(1, 1, "a"), Command(2, 1, "B!"), Command(3, 2, "c")]);
        var violation = Assert.Throws<InvariantViolation>(() => checker.RecordStoredEntries(2, corrupt, [Command(1, 1, "a"), Command(2, 1, "B!")]));
        Assert.Contains("log matching", violation.Message);

        // The whole-log comparison run at the end catches it too.
        Assert.Throws<InvariantViolation>(() => InvariantChecker.CheckLogsMatch([(1, good), (2, corrupt)]));
    }

    [Fact]
    public void EntryFollowingADifferentTermBreaksLogMatching()
    {
        var checker = new InvariantChecker();
        checker.RecordAppendMessage(new Message { Type = MessageType.AppendEntries, From = 1, To = 2, Index = 4, LogTerm = 2, Entries = [Command(5, 3, "x")] });
        Assert.Throws<InvariantViolation>(() =>
            checker.RecordAppendMessage(new Message { Type = MessageType.AppendEntries, From = 3, To = 2, Index = 4, LogTerm = 1, Entries = [Command(5, 3, "x")] }));
    }

    [Fact]
    public void LeaderMissingACommittedEntryIsCaught()
    {
        // Node 1 alone holds a log whose entry 2 differs from what the cluster committed there.
        var storage = new MemoryRaftLog();
        storage.Append([Command(1, 1, "a"), Command(2, 1, "other"), Command(3, 1, "c")]);
        storage.SetHardState(new HardState(1, 1, 0));
        var node = new RaftNode(new RaftOptions { Id = 1, InitialMembership = Membership.OfVoters(1), Random = new Random(1) }, storage);
        node.Campaign();
        Assert.Equal(RaftRole.Leader, node.Role);

        var checker = new InvariantChecker();
        checker.RecordCommitted(9, 1, [Command(1, 1, "a"), Command(2, 1, "b")]);
        var violation = Assert.Throws<InvariantViolation>(() => checker.AuditLeader(1, 1, node));
        Assert.Contains("leader completeness", violation.Message);
    }

    [Fact]
    public void CommittedIndexChangingIsCaught()
    {
        var checker = new InvariantChecker();
        checker.RecordCommitted(1, 3, [Command(8, 3, "x")]);
        Assert.Throws<InvariantViolation>(() => checker.RecordCommitted(2, 4, [Command(8, 4, "y")]));
    }

    [Fact]
    public void SimulationWithACorruptedReplicaFails()
    {
        var options = SimulationOptions.ForSeed(3, 3) with { Faults = false, InjectDivergentApply = true };
        var result = new Simulation(options).Run();

        Assert.False(result.Passed);
        Assert.Contains("state machine safety", result.Failure);
    }
}
