using System.Net;
using System.Text;

namespace OrleansKv.Api.Tests;

/// <summary>How the key is taken from the request target: percent-decoded strictly, then required to be UTF-8.</summary>
public sealed class KeyPathTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a%2Fb%20c", "a/b c")]
    [InlineData("caf%C3%A9", "café")]
    public async Task A_key_reaches_the_client_as_the_bytes_its_percent_encoding_names(string encoded, string key)
    {
        await using var server = await GatewayServer.StartAsync(new KvApiOptions());

        using var get = await server.Http.GetAsync($"/v1/kv/{encoded}");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(key), server.Client.LastReadKey);
    }

    [Theory]
    [InlineData("%FF%FE")]
    [InlineData("%C3")]
    [InlineData("%ED%A0%80")] // an encoded surrogate
    public async Task A_key_that_is_not_UTF_8_once_decoded_is_refused_as_malformed_without_reaching_the_client(string encoded)
    {
        await using var server = await GatewayServer.StartAsync(new KvApiOptions());

        using var get = await server.Http.GetAsync($"/v1/kv/{encoded}");

        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Contains("malformed_request", await get.Content.ReadAsStringAsync());
        Assert.Equal(0, server.Client.Calls);
    }
}
