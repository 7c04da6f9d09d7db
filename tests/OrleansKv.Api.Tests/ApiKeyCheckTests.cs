using OrleansKv.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OrleansKv.Api.Tests;

/// <summary>The API key check over real HTTP: who gets through to the KV client, and what the others are told.</summary>
public sealed class ApiKeyCheckTests
{
    private const string Key = "k3y-for-the-gateway-tests_0123456789";

    [Fact]
    public async Task Without_the_key_every_kind_of_request_is_refused_with_401_problem_json_and_never_reaches_the_KV_client()
    {
        await using var server = await GatewayServer.StartAsync(new KvApiOptions { ApiKey = Key });

        foreach (var request in new[]
                 {
                     new HttpRequestMessage(HttpMethod.Get, "/v1/kv/k"),
                     new HttpRequestMessage(HttpMethod.Head, "/v1/kv/k"),
                     new HttpRequestMessage(HttpMethod.Put, "/v1/kv/k") { Content = new ByteArrayContent("v"u8.ToArray()) },
                     new HttpRequestMessage(HttpMethod.Post, "/v1/kv/k?op=append") { Content = new ByteArrayContent("v"u8.ToArray()) },
                     new HttpRequestMessage(HttpMethod.Delete, "/v1/kv/k"),
                 })
        {
            var problem = await ExpectUnauthorizedAsync(server, request);
            if (problem is not null) Assert.Contains("Authorization: Bearer", problem.Value.GetProperty("detail").GetString());
        }
        Assert.Equal(0, server.Client.Calls);
    }

    [Fact]
    public async Task A_wrong_key_in_either_header_is_refused_and_never_reaches_the_KV_client()
    {
        await using var server = await GatewayServer.StartAsync(new KvApiOptions { ApiKey = Key });

        foreach (var wrong in new[] { "not-the-key-at-all-0123456789", Key[..^1], Key + "x", Key.ToUpperInvariant() })
        {
            await ExpectUnauthorizedAsync(server, ApiKeyHeaders.WithBearer(new HttpRequestMessage(HttpMethod.Get, "/v1/kv/k"), wrong));
            await ExpectUnauthorizedAsync(server, ApiKeyHeaders.WithApiKey(new HttpRequestMessage(HttpMethod.Get, "/v1/kv/k"), wrong));
        }
        // The key under another scheme is not a bearer token.
        var basic = new HttpRequestMessage(HttpMethod.Get, "/v1/kv/k");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Key);
        await ExpectUnauthorizedAsync(server, basic);
        Assert.Equal(0, server.Client.Calls);
    }

    [Fact]
    public async Task The_right_key_as_a_bearer_token_or_in_X_Api_Key_reaches_the_KV_client()
    {
        await using var server = await GatewayServer.StartAsync(new KvApiOptions { ApiKey = Key });

        using var bearer = await server.Http.SendAsync(ApiKeyHeaders.WithBearer(new HttpRequestMessage(HttpMethod.Get, "/v1/kv/k"), Key));
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal("value", await bearer.Content.ReadAsStringAsync());

        // The scheme's name is case-insensitive (RFC 9110).
        var lowerCase = new HttpRequestMessage(HttpMethod.Put, "/v1/kv/k") { Content = new ByteArrayContent("v"u8.ToArray()) };
        lowerCase.Headers.TryAddWithoutValidation("Authorization", "bearer " + Key);
        using var put = await server.Http.SendAsync(lowerCase);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using var header = await server.Http.SendAsync(ApiKeyHeaders.WithApiKey(new HttpRequestMessage(HttpMethod.Delete, "/v1/kv/k"), Key));
        Assert.Equal(HttpStatusCode.NoContent, header.StatusCode);

        // A wrong bearer token does not hide a right X-Api-Key.
        using var both = await server.Http.SendAsync(ApiKeyHeaders.WithApiKey(ApiKeyHeaders.WithBearer(new HttpRequestMessage(HttpMethod.Get, "/v1/kv/k"), "some-other-token"), Key));
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        Assert.Equal(4, server.Client.Calls);
    }

    [Fact]
    public async Task The_health_probes_answer_without_the_key()
    {
        await using var server = await GatewayServer.StartAsync(new KvApiOptions { ApiKey = Key });

        using var live = await server.Http.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await server.Http.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Every_other_path_needs_the_key_even_one_that_does_not_exist()
    {
        await using var server = await GatewayServer.StartAsync(new KvApiOptions { ApiKey = Key });

        foreach (var path in new[] { "/v1/cluster", "/openapi/v1.json", "/no/such/path", "/healthz" })
            await ExpectUnauthorizedAsync(server, new HttpRequestMessage(HttpMethod.Get, path));
        Assert.Equal(0, server.Client.Calls);

        using var openApi = await server.Http.SendAsync(ApiKeyHeaders.WithApiKey(new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json"), Key));
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        using var missing = await server.Http.SendAsync(ApiKeyHeaders.WithApiKey(new HttpRequestMessage(HttpMethod.Get, "/no/such/path"), Key));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_key_every_request_reaches_the_KV_client()
    {
        foreach (var unset in new[] { null, "" })
        {
            await using var server = await GatewayServer.StartAsync(new KvApiOptions { ApiKey = unset });

            using var get = await server.Http.GetAsync("/v1/kv/k");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            using var view = await server.Http.GetAsync("/v1/cluster");
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
            Assert.Equal(2, server.Client.Calls);
        }
    }

    // Checks the 401 and its problem details; returns them (null for HEAD, which has no body).
    private static async Task<JsonElement?> ExpectUnauthorizedAsync(GatewayServer server, HttpRequestMessage request)
    {
        using (request)
        using (var response = await server.Http.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{request.Method} {request.RequestUri}: expected 401, got {(int)response.StatusCode}: {body}");
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            if (request.Method == HttpMethod.Head) return null;
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("unauthorized", problem.RootElement.GetProperty("code").GetString());
            Assert.DoesNotContain(Key, body);
            return problem.RootElement.Clone();
        }
    }
}
