using OrleansKv.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace OrleansKv.Integration;

/// <summary>
/// The HTTP gateway's API key on real silo processes: set as a container platform sets it (the
/// <c>Silo__ApiKey</c> environment variable), and left unset as the local cluster leaves it.
/// </summary>
public sealed class GatewayApiKeyTests
{
    [Fact]
    public async Task A_gateway_with_an_API_key_refuses_requests_without_it_or_with_a_wrong_one_and_serves_the_right_one_in_either_header()
    {
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        // Starting waits on /healthz/ready without a key, so the readiness probe is open already.
        await using var cluster = await TestCluster.StartAsync(silos: 1, groups: 1, environment: new Dictionary<string, string> { ["Silo__ApiKey"] = key });
        var gateway = cluster.Silos[0].HttpUrl;
        var http = cluster.Http;

        using (var live = await http.GetAsync($"{gateway}/healthz/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        // Refused writes: no key, a wrong bearer token, a wrong X-Api-Key, a key in an unknown scheme.
        await ExpectUnauthorizedAsync(http, Put($"{gateway}/v1/kv/guarded", "no key"));
        await ExpectUnauthorizedAsync(http, ApiKeyHeaders.WithBearer(Put($"{gateway}/v1/kv/guarded", "wrong bearer"), "not-the-key-0123456789"));
        await ExpectUnauthorizedAsync(http, ApiKeyHeaders.WithApiKey(Put($"{gateway}/v1/kv/guarded", "wrong header"), "not-the-key-0123456789"));
        var basic = Put($"{gateway}/v1/kv/guarded", "basic");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", key);
        await ExpectUnauthorizedAsync(http, basic);
        // Every other endpoint needs the key too, and an unknown path does not reveal that it is unknown.
        await ExpectUnauthorizedAsync(http, new HttpRequestMessage(HttpMethod.Get, $"{gateway}/v1/cluster"));
        await ExpectUnauthorizedAsync(http, new HttpRequestMessage(HttpMethod.Get, $"{gateway}/openapi/v1.json"));
        await ExpectUnauthorizedAsync(http, new HttpRequestMessage(HttpMethod.Get, $"{gateway}/no/such/path"));

        // None of the refused writes happened.
        using (var absent = await http.SendAsync(ApiKeyHeaders.WithBearer(new HttpRequestMessage(HttpMethod.Get, $"{gateway}/v1/kv/guarded"), key)))
            Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);

        using var put = await http.SendAsync(ApiKeyHeaders.WithBearer(Put($"{gateway}/v1/kv/guarded", "hello"), key));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await http.SendAsync(ApiKeyHeaders.WithApiKey(new HttpRequestMessage(HttpMethod.Get, $"{gateway}/v1/kv/guarded"), key));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("hello", await get.Content.ReadAsStringAsync());
        Assert.Equal(put.Headers.ETag, get.Headers.ETag);
        using var view = await http.SendAsync(ApiKeyHeaders.WithApiKey(new HttpRequestMessage(HttpMethod.Get, $"{gateway}/v1/cluster"), key));
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);

        Assert.DoesNotContain(key, cluster.Silos[0].RecentLog);
    }

    [Fact]
    public async Task A_gateway_without_an_API_key_serves_every_request_without_one()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 1, groups: 1);
        var gateway = cluster.Silos[0].HttpUrl;
        var http = cluster.Http;

        using var put = await http.SendAsync(Put($"{gateway}/v1/kv/open", "hello"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("hello", await http.GetStringAsync($"{gateway}/v1/kv/open"));
        using var view = await http.GetAsync($"{gateway}/v1/cluster");
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        // A credential the gateway does not need is ignored.
        using var withToken = await http.SendAsync(ApiKeyHeaders.WithBearer(new HttpRequestMessage(HttpMethod.Get, $"{gateway}/v1/kv/open"), "some-token-it-does-not-need"));
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
    }

    [Fact]
    public async Task A_silo_refuses_an_API_key_shorter_than_16_characters_at_start_with_one_line_that_does_not_show_the_key()
    {
        var root = Directory.CreateTempSubdirectory("orleanskv-apikey-").FullName;
        try
        {
            const string shortKey = "fifteen-chars-x";
            var outcome = await BoundedCommand.RunAsync("dotnet",
                [SiloProcess.SiloAssemblyPath, "--name", "silo1", "--silos", "silo1", "--data", Path.Combine(root, "silo1"),
                 "--membership", Path.Combine(root, "cluster"), "--http", "http://127.0.0.1:0", $"--Silo:ApiKey={shortKey}"],
                root, TimeSpan.FromSeconds(60));

            Assert.False(outcome.TimedOut, outcome.ToString());
            Assert.Equal(2, outcome.ExitCode);
            var error = outcome.Error.Trim();
            Assert.DoesNotContain('\n', error);
            Assert.Contains("Silo:ApiKey", error);
            Assert.Contains("at least 16", error);
            Assert.DoesNotContain(shortKey, outcome.ToString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static HttpRequestMessage Put(string url, string value) =>
        new(HttpMethod.Put, url) { Content = new ByteArrayContent(Keys.Utf8(value)) };



    private static async Task ExpectUnauthorizedAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        using (var response = await http.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{request.Method} {request.RequestUri}: expected 401, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"unauthorized\"", body);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }
    }
}
