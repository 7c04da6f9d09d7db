using OrleansKv.Contracts;
using static OrleansKv.Silo.Tests.Transport.TransportHarness;

namespace OrleansKv.Silo.Tests.Transport;

public class SiloTransportClientTests
{
    [Fact]
    public async Task A_client_gets_the_response_to_each_request_on_its_own_connection()
    {
        await using var silo = Start(Options(1), new RecordingHandler());
        await using var client = await RawConnection.ConnectClientAsync(silo.LocalEndPoint, Cluster);

        const int count = 200;
        for (ulong i = 1; i <= count; i++) await client.SendRequestAsync(i, $"key-{i}");
        var answered = new Dictionary<ulong, string>();
        for (var i = 0; i < count; i++)
        {
            var frame = await client.ReadAsync();
            Assert.Equal(Frame.BodyOneofCase.Response, frame.BodyCase);
            answered.Add(frame.Response.CorrelationId, frame.Response.Kv.Value.ToStringUtf8());
        }

        for (ulong i = 1; i <= count; i++) Assert.Equal($"key-{i}", answered[i]);
        Assert.Equal(count, silo.Counters.ClientRequests);
        await Eventually.HoldsAsync(() => silo.Counters.ClientResponsesSent == count, "every response counted");
    }

    [Fact]
    public async Task A_garbage_frame_closes_only_that_connection_and_the_silo_keeps_serving()
    {
        var handler = new RecordingHandler();
        var transports = StartMesh(new RecordingHandler(), handler);
        var (a, b) = (transports[0], transports[1]);
        try
        {
            await using var healthy = await RawConnection.ConnectClientAsync(b.LocalEndPoint, Cluster);
            await using var garbage = await RawConnection.ConnectClientAsync(b.LocalEndPoint, Cluster);
            await garbage.SendBytesAsync([5, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

            Assert.True(await garbage.IsClosedBySiloAsync());
            Assert.Equal(1, b.Counters.ProtocolErrors);

            await healthy.SendRequestAsync(1, "still-here");
            Assert.Equal(1UL, (await healthy.ReadAsync()).Response.CorrelationId);
            await using var later = await RawConnection.ConnectClientAsync(b.LocalEndPoint, Cluster);
            await later.SendRequestAsync(2, "new-connection");
            Assert.Equal(2UL, (await later.ReadAsync()).Response.CorrelationId);
            a.Send(4, Append(1, 2, 1));
            await Eventually.HoldsAsync(() => handler.Count == 1, "silo-to-silo traffic is unaffected");
        }
        finally
        {
            await DisposeAllAsync(transports);
        }
    }

    [Fact]
    public async Task Garbage_instead_of_a_hello_closes_the_connection()
    {
        await using var silo = Start(Options(1), new RecordingHandler());
        await using var garbage = await RawConnection.ConnectAsync(silo.LocalEndPoint);
        await garbage.SendBytesAsync([0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]);

        Assert.True(await garbage.IsClosedBySiloAsync());
        Assert.Equal(1, silo.Counters.ProtocolErrors);
    }

    [Fact]
    public async Task A_client_naming_another_cluster_is_refused()
    {
        await using var silo = Start(Options(1), new RecordingHandler());
        await using var stranger = await RawConnection.ConnectClientAsync(silo.LocalEndPoint, "other-cluster");
        await stranger.SendRequestAsync(1, "k");

        Assert.True(await stranger.IsClosedBySiloAsync());
        Assert.Equal(1, silo.Counters.ConnectionsRefused);
        Assert.Equal(0, silo.Counters.ClientRequests);
    }

    [Fact]
    public async Task A_frame_that_is_not_a_request_on_a_client_connection_is_a_protocol_error()
    {
        await using var silo = Start(Options(1), new RecordingHandler());
        await using var client = await RawConnection.ConnectClientAsync(silo.LocalEndPoint, Cluster);
        await client.SendAsync(new Frame { Raft = new RaftBatch() });

        Assert.True(await client.IsClosedBySiloAsync());
        Assert.Equal(1, silo.Counters.ProtocolErrors);
    }

    [Fact]
    public async Task An_isolated_silo_still_answers_clients()
    {
        await using var silo = Start(Options(1), new RecordingHandler());
        silo.Isolated = true;
        await using var client = await RawConnection.ConnectClientAsync(silo.LocalEndPoint, Cluster);

        await client.SendRequestAsync(77, "k");

        var frame = await client.ReadAsync();
        Assert.Equal(77UL, frame.Response.CorrelationId);
    }

    [Fact]
    public async Task Disposing_the_silo_closes_its_client_connections()
    {
        var silo = Start(Options(1), new RecordingHandler());
        await using var client = await RawConnection.ConnectClientAsync(silo.LocalEndPoint, Cluster);
        await client.SendRequestAsync(1, "k");
        await client.ReadAsync();

        await silo.DisposeAsync();

        Assert.True(await client.IsClosedBySiloAsync());
    }
}
