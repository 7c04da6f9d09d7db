using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>
/// Regression for the first bug the simulation found (seed 1, 5 nodes): the shell compacts less than
/// its snapshot covers (it keeps trailing entries for slow followers), and a node restarted over that
/// disk must resume applying after the snapshot, not after FirstIndex - 1.
/// </summary>
public sealed class RestartOverCompactedLogTests
{
    [Fact]
    public void RestartResumesAfterTheSnapshotNotAfterTheCompactionPoint()
    {
        var voters = Membership.OfVoters(1, 2, 3);
        var storage = new MemoryRaftLog();
        storage.Append(Enumerable.Range(1, 10).Select(i => new Entry((ulong)i, 1, EntryType.Normal, [(byte)i])).ToList());
        storage.SetHardState(new HardState(1, 1, 10));
        storage.CreateSnapshot(8, voters, [42]);
        storage.Compact(5); // entries 6..10 stay on disk; 6..8 are also inside the snapshot

        var node = new RaftNode(new RaftOptions { Id = 1, InitialMembership = voters, Random = new Random(1) }, storage);

        Assert.Equal(8UL, node.Applied);
        var ready = node.GetReady();
        Assert.Equal([9UL, 10UL], ready.CommittedEntries.Select(e => e.Index));
    }

    [Fact]
    public void MembershipEntriesUnderTheSnapshotDoNotFollowIt()
    {
        var four = Membership.OfVoters(1, 2, 3, 4);
        var three = Membership.OfVoters(1, 2, 3);
        var storage = new MemoryRaftLog();
        storage.Append([
            new Entry(1, 1, EntryType.Normal, []),
            new Entry(2, 1, EntryType.Membership, four.Encode()),
            new Entry(3, 1, EntryType.Membership, three.Encode()),
            new Entry(4, 1, EntryType.Normal, []),
        ]);
        storage.SetHardState(new HardState(1, 1, 4));
        storage.CreateSnapshot(3, three, []);
        storage.Compact(1); // membership entries 2 and 3 stay on disk below the snapshot point

        var node = new RaftNode(new RaftOptions { Id = 1, InitialMembership = Membership.OfVoters(1, 2, 3), Random = new Random(1) }, storage);

        Assert.Equal(three, node.CurrentMembership);
        Assert.Equal(three, node.MembershipAt(3));
        Assert.Equal(three, node.MembershipAt(4));
    }
}
