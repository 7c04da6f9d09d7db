using OrleansKv.Raft;

namespace OrleansKv.Raft.Tests;

public class SmokeTests
{
    [Fact]
    public void A_three_node_cluster_elects_a_leader_and_commits_a_proposal_everywhere()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        var result = net.Nodes[1].Propose("hello"u8.ToArray());
        Assert.Equal(ProposalStatus.Appended, result.Status);
        net.Settle();
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            Assert.Equal(result.LastIndex, net.Nodes[id].Commit);
            Assert.Contains(net.Applied[id], e => e.Data.AsSpan().SequenceEqual("hello"u8));
        }
    }

    [Fact]
    public void Ticking_alone_elects_exactly_one_leader()
    {
        var net = new Network(1, 2, 3);
        net.TickAll(40);
        Assert.NotNull(net.Leader);
    }
}
