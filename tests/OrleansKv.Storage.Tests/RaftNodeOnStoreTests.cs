using OrleansKv.Replica.Storage;
using OrleansKv.Raft;
using static OrleansKv.Storage.Tests.StoreTestKit;

namespace OrleansKv.Storage.Tests;

/// <summary>The Raft core driven over a real file store, then restarted from what the store recovered.</summary>
public sealed class RaftNodeOnStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileStorageProvider Open() => new(new FileStorageOptions { Directory = _directory.Path, SegmentBytes = 1024 });

    private static RaftNode NewNode(IRaftLog log) =>
        new(new RaftOptions { Id = 1, InitialMembership = Membership.OfVoters(1), Random = new Random(1) }, log);

    // The shell's loop: persist each Ready, wait until durable, then advance.
    private static void Drain(RaftNode node, IRaftGroupStore store)
    {
        for (var round = 0; round < 100 && node.HasReady; round++)
        {
            var ready = node.GetReady();
            store.PersistDurably(RaftWrite.From(ready));
            node.Advance(ready);
        }
    }

    [Fact]
    public void A_restarted_node_recovers_its_log_and_commit_from_the_store()
    {
        ulong lastIndex, commit, term;
        using (var provider = Open())
        {
            var store = provider.OpenGroup(1);
            var node = NewNode(store);
            for (var tick = 0; tick < 100 && node.Role != RaftRole.Leader; tick++)
            {
                node.Tick();
                Drain(node, store);
            }
            Assert.Equal(RaftRole.Leader, node.Role);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(ProposalStatus.Appended, node.Propose(System.Text.Encoding.UTF8.GetBytes($"cmd-{i}")).Status);
                Drain(node, store);
            }
            Assert.Equal(node.LastIndex, node.Commit);
            (lastIndex, commit, term) = (node.LastIndex, node.Commit, node.Term);
        }

        using var reopened = Open();
        var recovered = reopened.OpenGroup(1);
        var restarted = NewNode(recovered);
        Assert.Equal(lastIndex, restarted.LastIndex);
        Assert.Equal(commit, restarted.Commit);
        Assert.Equal(term, restarted.Term);
        var commands = restarted.GetEntries(1, lastIndex + 1).Where(e => e.Data.Length > 0)
            .Select(e => System.Text.Encoding.UTF8.GetString(e.Data)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"cmd-{i}"), commands);
    }
}
