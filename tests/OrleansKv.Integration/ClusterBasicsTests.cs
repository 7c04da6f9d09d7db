using System.Net;
using System.Net.Http.Headers;
using OrleansKv.Client;

namespace OrleansKv.Integration;

public sealed class ClusterBasicsTests
{
    [Fact]
    public async Task A_write_through_one_gateway_is_read_through_every_gateway_with_the_same_version()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var put = await cluster.Http.PutAsync($"{cluster.Silos[0].HttpUrl}/v1/kv/greeting", new ByteArrayContent(Keys.Utf8("hello")));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var etag = put.Headers.ETag?.Tag;
        Assert.NotNull(etag);

        foreach (var silo in cluster.Silos)
        {
            using var get = await cluster.Http.GetAsync($"{silo.HttpUrl}/v1/kv/greeting");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("hello", await get.Content.ReadAsStringAsync());
            Assert.Equal(etag, get.Headers.ETag?.Tag);

            // HEAD answers like GET, without the body.
            using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{silo.HttpUrl}/v1/kv/greeting"));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(etag, head.Headers.ETag?.Tag);
            Assert.Equal(5, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
        using var headMissing = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{cluster.Silos[1].HttpUrl}/v1/kv/no-such-key"));
        Assert.Equal(HttpStatusCode.NotFound, headMissing.StatusCode);

        // Every gateway describes the same cluster, with a leader among each group's replicas.
        using var view = System.Text.Json.JsonDocument.Parse(await cluster.Http.GetStringAsync($"{cluster.Silos[2].HttpUrl}/v1/cluster"));
        var groups = view.RootElement.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        foreach (var group in groups)
        {
            var replicas = group.GetProperty("replicas").EnumerateArray().Select(r => r.GetString()).ToList();
            Assert.Contains(group.GetProperty("leader").GetString(), replicas);
        }
        Assert.Equal(cluster.Silos.Count, view.RootElement.GetProperty("silos").GetArrayLength());
    }

    [Fact]
    public async Task The_client_library_reads_its_writes_in_every_group_and_conditions_are_enforced()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var client = await cluster.ConnectAsync();
        var keys = Keys.SpreadOverGroups("basic", groups: 2, perGroup: 3);
        foreach (var key in keys)
        {
            var version = await client.PutAsync(Keys.Utf8(key), Keys.Utf8("v1"), WriteCondition.IfNotExists);
            var entry = await client.GetAsync(Keys.Utf8(key));
            Assert.NotNull(entry);
            Assert.Equal("v1", Keys.Text(entry.Value));
            Assert.Equal(version, entry.Version);

            var failed = await Assert.ThrowsAsync<ConditionFailedException>(() => client.PutAsync(Keys.Utf8(key), Keys.Utf8("v2"), WriteCondition.IfVersion(version + 1000)));
            Assert.Equal(version, failed.CurrentVersion);

            var appended = await client.AppendAsync(Keys.Utf8(key), Keys.Utf8("+a"), WriteCondition.IfVersion(version));
            Assert.True(appended > version);
            Assert.Equal("v1+a", Keys.Text((await client.GetAsync(Keys.Utf8(key)))!.Value));

            Assert.True(await client.DeleteAsync(Keys.Utf8(key), WriteCondition.IfValue(Keys.Utf8("v1+a"))));
            Assert.Null(await client.GetAsync(Keys.Utf8(key)));
            Assert.False(await client.DeleteAsync(Keys.Utf8(key)));
        }
    }

    [Fact]
    public async Task Http_conditions_map_to_etags_and_a_failed_condition_is_412_with_the_current_version()
    {
        await using var cluster = await TestCluster.StartAsync();
        var url = $"{cluster.Silos[1].HttpUrl}/v1/kv/account";
        using var create = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(Keys.Utf8("100")) };
        create.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        using var created = await cluster.Http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var version = created.Headers.ETag!.Tag;

        using var again = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(Keys.Utf8("200")) };
        again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        using var conflict = await cluster.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        Assert.Contains("condition_failed", await conflict.Content.ReadAsStringAsync());
        Assert.Equal(version, conflict.Headers.ETag?.Tag);

        using var update = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(Keys.Utf8("150")) };
        update.Headers.IfMatch.Add(new EntityTagHeaderValue(version));
        using var updated = await cluster.Http.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(Keys.Utf8("999")) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue(version));
        using var rejected = await cluster.Http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, rejected.StatusCode);
        Assert.Equal(updated.Headers.ETag!.Tag, rejected.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_full_cluster_kill_and_restart_keeps_every_acknowledged_write()
    {
        await using var cluster = await TestCluster.StartAsync();
        await FullRestartCheck.KeepsEveryAcknowledgedWriteAsync(cluster);
    }
}
