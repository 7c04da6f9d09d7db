using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansKv.Client;
using OrleansKv.Grains;

namespace OrleansKv.Integration;

/// <summary>
/// The KV operations over the HTTP gateway, shaped as <see cref="IKvClient"/> so the same load
/// workers drive both front doors. It answers like a user of the HTTP API would read the status
/// codes: 404 is absent, 412 a failed condition, 503 not applied, and anything else that is not an
/// answer (504, a broken connection, a timeout) an unknown outcome. After a failure it moves to the
/// next gateway, as a user behind a load balancer would.
/// </summary>
internal sealed class HttpKvClient(HttpClient http, IReadOnlyList<string> gateways) : IKvClient
{
    private int _gateway;

    private string Url(ReadOnlyMemory<byte> key, string query = "") =>
        $"{gateways[_gateway % gateways.Count]}/v1/kv/{Uri.EscapeDataString(Keys.Text(key))}{query}";

    public async Task<KvEntry?> GetAsync(ReadOnlyMemory<byte> key, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, Url(key)), isWrite: false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return new KvEntry(await response.Content.ReadAsByteArrayAsync(cancellationToken), VersionOf(response), IsStale: false);
    }

    public async Task<ulong> PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        VersionOf(await WriteAsync(HttpMethod.Put, Url(key), value, condition));

    public async Task<ulong> AppendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        VersionOf(await WriteAsync(HttpMethod.Post, Url(key, "?op=append"), value, condition));

    public async Task<bool> DeleteAsync(ReadOnlyMemory<byte> key, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, Url(key)), isWrite: true);
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    public Task<ClusterView> GetClusterViewAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<HttpResponseMessage> WriteAsync(HttpMethod method, string url, ReadOnlyMemory<byte> value, WriteCondition condition)
    {
        var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(value.ToArray()) };
        if (condition.Kind == WriteConditionKind.VersionEquals) request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{condition.ExpectedVersion}\""));
        else if (condition.Kind != WriteConditionKind.None) throw new NotSupportedException($"{condition.Kind} over HTTP in this test client");
        return await SendAsync(request, isWrite: true);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool isWrite)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _gateway++;
            throw isWrite ? new KvTimeoutException($"no HTTP answer: {e.Message}", e) : new UnavailableException($"no HTTP answer: {e.Message}", e);
        }
        finally
        {
            request.Dispose();
        }
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound) return response;
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            switch (response.StatusCode)
            {
                case HttpStatusCode.PreconditionFailed:
                    using (var problem = JsonDocument.Parse(body))
                        throw new ConditionFailedException(problem.RootElement.GetProperty("currentVersion").GetUInt64(), body);
                case HttpStatusCode.ServiceUnavailable:
                    _gateway++;
                    throw new UnavailableException(body);
                default: // 504 and anything unexpected: the write may or may not have applied
                    _gateway++;
                    throw isWrite ? new KvTimeoutException($"HTTP {(int)response.StatusCode}: {body}") : new UnavailableException($"HTTP {(int)response.StatusCode}: {body}");
            }
        }
    }

    private static ulong VersionOf(HttpResponseMessage response)
    {
        using (response)
            return ulong.Parse(response.Headers.ETag!.Tag.Trim('"'));
    }
}
