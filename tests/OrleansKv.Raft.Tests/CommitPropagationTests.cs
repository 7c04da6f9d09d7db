using OrleansKv.Raft;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// How followers learn the commit index: with the appends they get anyway, and with an append of
/// its own only when nothing else is coming their way, so a loaded group sends no message that
/// carries only a commit index.
/// </summary>
public class CommitPropagationTests
{
    private static bool IsCommitOnly(Message m) => m.Type == MessageType.AppendEntries && m.Entries.Length == 0;

    [Fact]
    public void A_follower_with_entries_in_flight_is_not_sent_an_append_that_only_carries_the_commit_index()
    {
        var net = Network.Create([1, 2, 3]);
        net.Elect(1);
        net.Hold(m => m.To == 3 && m.Type == MessageType.AppendEntries);

        net.Propose(1, "a"); // committed with node 2's ack; node 3's copy is still in flight

        Assert.Equal(2UL, net.Nodes[1].Commit);
        Assert.Single(net.Held);
        Assert.NotEmpty(net.Held[0].Entries);
        Assert.DoesNotContain(net.Held, IsCommitOnly);
    }

    [Fact]
    public void A_follower_that_acks_its_last_entries_after_the_commit_is_sent_the_commit_index_at_once()
    {
        var net = Network.Create([1, 2, 3]);
        net.Elect(1);
        net.Hold(m => m.To == 3 && m.Type == MessageType.AppendEntries);
        net.Propose(1, "a");
        Assert.Equal(1UL, net.Nodes[3].Commit);

        net.StopHolding();
        net.Release();
        net.Settle(); // node 3 acks; no tick, so no heartbeat

        Assert.Equal(2UL, net.Nodes[3].Commit);
        Assert.Single(net.Delivered, m => m.To == 3 && IsCommitOnly(m) && m.Commit == 2);
    }

    [Fact]
    public void Proposals_that_keep_a_follower_busy_carry_the_commit_index_with_their_entries()
    {
        var net = Network.Create([1, 2, 3]);
        net.Elect(1);
        net.Delivered.Clear();
        var leader = net.Nodes[1];
        // Node 2's acks arrive one at a time, each after the next proposal went out, as under
        // steady load: every ack is answered with new entries, never with the commit alone.
        net.Hold(m => m.From == 2 && m.Type == MessageType.AppendEntriesResponse);
        leader.Propose("a"u8.ToArray());
        net.Settle();
        foreach (var data in new[] { "b", "c", "d" })
        {
            leader.Propose(System.Text.Encoding.UTF8.GetBytes(data));
            net.Settle();
            net.ReleaseFirst(m => m.From == 2);
            net.Settle();
        }

        Assert.Equal(leader.LastIndex, leader.Commit); // node 3 acks at once
        Assert.DoesNotContain(net.Delivered, m => m.To == 2 && IsCommitOnly(m));
        // Node 2 learnt the commit index from the entries of "d", sent when "c" was committed.
        Assert.Equal(leader.LastIndex - 1, net.Nodes[2].Commit);
    }
}
