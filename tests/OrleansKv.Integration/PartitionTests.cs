using System.Net;

namespace OrleansKv.Integration;

public sealed class PartitionTests
{
    [Fact]
    public async Task A_silo_cut_off_from_its_peers_answers_503_to_linearizable_reads_instead_of_stale_data()
    {
        await using var cluster = await TestCluster.StartAsync(groups: 1);
        var url = "/v1/kv/partitioned";
        using (var put = await cluster.Http.PutAsync(cluster.Silos[0].HttpUrl + url, new ByteArrayContent(Keys.Utf8("before"))))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        // Cut off one silo: it neither sends nor receives Raft traffic, and its gateway reaches
        // no other silo (a network partition around that one process).
        var isolated = cluster.Silos[2];
        using (var isolate = await cluster.Http.PostAsync(isolated.HttpUrl + "/test/faults/isolate", null))
            Assert.Equal(HttpStatusCode.NoContent, isolate.StatusCode);

        // The majority side keeps serving and moves the value on.
        await Eventually.WaitAsync(async () =>
        {
            using var put = await cluster.Http.PutAsync(cluster.Silos[0].HttpUrl + url, new ByteArrayContent(Keys.Utf8("after")));
            return put.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "the majority to accept a write");

        // The minority answers 503 (with Retry-After) rather than the stale "before".
        using var minorityRead = await cluster.Http.GetAsync(isolated.HttpUrl + url);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, minorityRead.StatusCode);
        Assert.NotNull(minorityRead.Headers.RetryAfter);
        Assert.Equal("application/problem+json", minorityRead.Content.Headers.ContentType?.MediaType);

        // A stale read is allowed there, and says it is stale.
        using var staleRead = await cluster.Http.GetAsync(isolated.HttpUrl + url + "?consistency=stale");
        Assert.Equal(HttpStatusCode.OK, staleRead.StatusCode);
        Assert.True(staleRead.Headers.TryGetValues("X-Kv-Stale", out var stale) && stale.Single() == "true");

        // Healed, the silo catches up and serves the new value linearizably.
        using (var heal = await cluster.Http.PostAsync(isolated.HttpUrl + "/test/faults/heal", null))
            Assert.Equal(HttpStatusCode.NoContent, heal.StatusCode);
        await Eventually.WaitAsync(async () =>
        {
            using var read = await cluster.Http.GetAsync(isolated.HttpUrl + url);
            return read.StatusCode == HttpStatusCode.OK && await read.Content.ReadAsStringAsync() == "after";
        }, TimeSpan.FromSeconds(30), "the healed silo to serve the new value");
    }
}
