using System.Net;
using System.Net.Sockets;
using OrleansKv.Raft;
using static OrleansKv.Silo.Tests.Transport.TransportHarness;

namespace OrleansKv.Silo.Tests.Transport;

public class SiloTransportRaftTests
{
    [Fact]
    public async Task Messages_of_several_groups_reach_the_addressed_silo_in_order_per_sender_and_group()
    {
        var handlers = new[] { new RecordingHandler(), new RecordingHandler(), new RecordingHandler() };
        var transports = StartMesh(handlers);
        try
        {
            const int perGroup = 40;
            uint[] groups = [0, 1, 2, 7, 1000];
            for (ulong index = 1; index <= perGroup; index++)
                foreach (var group in groups)
                    foreach (var from in transports)
                        foreach (var to in transports)
                            if (from != to) from.Send(group, Append(from.Options.SiloId, to.Options.SiloId, index));

            var expectedPerSilo = perGroup * groups.Length * (transports.Length - 1);
            await Eventually.HoldsAsync(() => handlers.All(h => h.Count >= expectedPerSilo), "every silo received all its messages");

            for (var i = 0; i < transports.Length; i++)
            {
                var received = handlers[i].Messages;
                Assert.Equal(expectedPerSilo, received.Count);
                Assert.All(received, r => Assert.Equal(transports[i].Options.SiloId, r.Message.To));
                foreach (var stream in received.GroupBy(r => (r.Message.From, r.Group)))
                {
                    Assert.Contains(stream.Key.Group, groups);
                    Assert.Equal(Enumerable.Range(1, perGroup).Select(n => (ulong)n), stream.Select(r => r.Message.Index));
                    Assert.All(stream, r => Assert.Equal(r.Message.Index + 1, r.Message.Entries.Single().Index));
                }
            }
            Assert.All(transports, t => Assert.Equal(0, t.Counters.MessagesDropped));
        }
        finally
        {
            await DisposeAllAsync(transports);
        }
    }

    [Fact]
    public async Task Messages_queued_while_the_peer_was_down_go_out_batched_in_far_fewer_frames()
    {
        var port = FreePort();
        var handlerB = new RecordingHandler();
        await using var a = Start(Options(1, peers: new Dictionary<ulong, string> { [2] = $"127.0.0.1:{port}" }), new RecordingHandler());
        const int count = 500;
        for (ulong i = 1; i <= count; i++) a.Send(9, Append(1, 2, i));
        await Eventually.HoldsAsync(() => a.Counters.Reconnects >= 1, "a dial to the absent peer failed");

        await using var b = Start(Options(2, port), handlerB);
        await Eventually.HoldsAsync(() => handlerB.Count >= count, "the peer received the backlog");

        var raftFrames = a.Counters.FramesWritten - a.Counters.ConnectionsOpened; // minus one Hello per connection
        Assert.Equal(count, a.Counters.MessagesSent);
        Assert.InRange(raftFrames, 1, count / 10);
        Assert.Equal(Enumerable.Range(1, count).Select(n => (ulong)n), handlerB.Messages.Select(m => m.Message.Index));
    }

    [Fact]
    public async Task A_backlog_larger_than_the_batch_target_is_split_into_several_frames_without_loss()
    {
        var port = FreePort();
        var handlerB = new RecordingHandler();
        var options = Options(1, peers: new Dictionary<ulong, string> { [2] = $"127.0.0.1:{port}" }, batchTargetBytes: 8 * 1024);
        await using var a = Start(options, new RecordingHandler());
        var payload = new byte[1024];
        const int count = 100;
        for (ulong i = 1; i <= count; i++) a.Send(1, Append(1, 2, i, payload));

        await using var b = Start(Options(2, port), handlerB);
        await Eventually.HoldsAsync(() => handlerB.Count >= count, "the peer received every message");

        var raftFrames = a.Counters.FramesWritten - a.Counters.ConnectionsOpened;
        Assert.InRange(raftFrames, count * 1024 / (8 * 1024), count / 2);
        Assert.Equal(Enumerable.Range(1, count).Select(n => (ulong)n), handlerB.Messages.Select(m => m.Message.Index));
    }

    [Fact]
    public async Task A_restarted_peer_gets_messages_again_after_the_reconnect()
    {
        var port = FreePort();
        var first = new RecordingHandler();
        await using var a = Start(Options(1, peers: new Dictionary<ulong, string> { [2] = $"127.0.0.1:{port}" }), new RecordingHandler());
        var b = Start(Options(2, port), first);
        try
        {
            a.Send(1, Append(1, 2, 1));
            await Eventually.HoldsAsync(() => first.Count == 1, "the first incarnation received a message");
        }
        finally
        {
            await b.DisposeAsync();
        }
        await Eventually.HoldsAsync(() => !a.IsConnectedTo(2), "the sender noticed the peer went away");
        a.Send(1, Append(1, 2, 2));
        var openedBefore = a.Counters.ConnectionsOpened;

        var second = new RecordingHandler();
        await using var restarted = Start(Options(2, port), second);
        await Eventually.HoldsAsync(() => second.Count == 1, "the restarted peer received the message queued while it was down");

        Assert.Equal(2UL, second.Messages[0].Message.Index);
        Assert.True(a.Counters.ConnectionsOpened > openedBefore);
        Assert.True(a.Counters.Reconnects >= 1);
    }

    [Fact]
    public async Task A_stalled_peer_caps_the_queue_and_further_messages_are_dropped_and_counted()
    {
        // A "peer" that accepts and never reads: the socket buffers fill, then the writer blocks.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stalled.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        stalled.Listen(1);
        var accepting = stalled.AcceptAsync();
        const long cap = 1L << 20;
        var options = Options(1, peers: new Dictionary<ulong, string> { [2] = $"127.0.0.1:{((IPEndPoint)stalled.LocalEndPoint!).Port}" },
            maxQueuedBytesPerPeer: cap);
        await using var a = Start(options, new RecordingHandler());
        using var accepted = await accepting;

        var payload = new byte[16 * 1024];
        const int count = 4000; // 64 MiB offered, far beyond the cap plus what the kernel buffers
        var maxQueued = 0L;
        for (ulong i = 1; i <= count; i++)
        {
            a.Send(1, Append(1, 2, i, payload));
            maxQueued = Math.Max(maxQueued, a.QueuedBytesFor(2));
        }

        Assert.InRange(maxQueued, 0, cap);
        Assert.True(a.Counters.MessagesDropped > count / 2, $"only {a.Counters.MessagesDropped} dropped");
    }

    [Fact]
    public async Task Isolated_drops_raft_traffic_in_both_directions_until_lifted()
    {
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        var transports = StartMesh(handlerA, handlerB);
        var (a, b) = (transports[0], transports[1]);
        try
        {
            await Eventually.HoldsAsync(() => a.IsConnectedTo(2) && b.IsConnectedTo(1), "both directions connected");
            b.Isolated = true;

            for (ulong i = 1; i <= 10; i++) a.Send(1, Append(1, 2, i));
            await Eventually.HoldsAsync(() => b.Counters.InboundDropped >= 10, "the isolated silo dropped what arrived");
            for (ulong i = 1; i <= 10; i++) b.Send(1, Append(2, 1, i));

            Assert.Equal(0, handlerB.Count);
            Assert.Equal(10, b.Counters.MessagesDropped);
            Assert.Equal(0, a.Counters.MessagesReceived);

            b.Isolated = false;
            a.Send(1, Append(1, 2, 11));
            b.Send(1, Append(2, 1, 11));
            await Eventually.HoldsAsync(() => handlerA.Count == 1 && handlerB.Count == 1, "traffic flows again");
            Assert.Equal(11UL, handlerB.Messages[0].Message.Index);
            Assert.Equal(11UL, handlerA.Messages[0].Message.Index);
        }
        finally
        {
            await DisposeAllAsync(transports);
        }
    }

    [Fact]
    public async Task Messages_to_unknown_silos_or_too_large_for_a_frame_are_dropped_not_queued()
    {
        var small = new OrleansKv.Silo.Transport.TransportOptions
        {
            SiloId = 1,
            ClusterName = Cluster,
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Peers = new Dictionary<ulong, string> { [2] = "127.0.0.1:1" },
            MaxFrameBytes = 4096,
        };
        await using var a = Start(small, new RecordingHandler());

        a.Send(1, Append(1, 3, 1));
        a.Send(1, Append(1, 2, 2, new byte[8192]));

        Assert.Equal(2, a.Counters.MessagesDropped);
        Assert.Equal(0, a.QueuedBytesFor(2));
    }

    [Fact]
    public async Task A_silo_of_another_cluster_is_refused_and_delivers_nothing()
    {
        var handlerB = new RecordingHandler();
        await using var b = Start(Options(2), handlerB);
        await using var stranger = Start(Options(1, cluster: "other-cluster",
            peers: new Dictionary<ulong, string> { [2] = Address(b) }), new RecordingHandler());

        stranger.Send(1, Append(1, 2, 1));
        await Eventually.HoldsAsync(() => b.Counters.ConnectionsRefused >= 1, "the silo refused the stranger");

        Assert.Equal(0, handlerB.Count);
        Assert.Equal(0, b.Counters.MessagesReceived);
    }
}
