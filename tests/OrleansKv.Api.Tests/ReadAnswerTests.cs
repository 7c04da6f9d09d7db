using System.Net;

namespace OrleansKv.Api.Tests;

/// <summary>What a successful read sends back over real HTTP: the value's bytes as they are, and its version.</summary>
public sealed class ReadAnswerTests
{
    [Fact]
    public async Task A_read_answers_the_value_as_an_octet_stream_with_its_length_and_its_version_as_the_ETag()
    {
        await using var server = await GatewayServer.StartAsync(new KvApiOptions());

        using var get = await server.Http.GetAsync("/v1/kv/k");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(5, get.Content.Headers.ContentLength);
        Assert.Equal("value"u8.ToArray(), await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("\"7\"", get.Headers.ETag?.Tag);
        Assert.False(get.Headers.Contains("X-Kv-Stale"));
    }
}
