using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKv.Client;

namespace OrleansKv.Api.Tests;

/// <summary>
/// The gateway as a host sets it up (AddKvApi, MapKvApi) on real Kestrel at 127.0.0.1, on a port
/// the OS picks, over a <see cref="CountingKvClient"/>. The test that starts it disposes it, which stops it.
/// </summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayServer(WebApplication app, CountingKvClient client, string url)
    {
        _app = app;
        Client = client;
        Url = url;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The fake KV client behind the gateway.</summary>
    public CountingKvClient Client { get; }

    /// <summary>The gateway's base URL (http://127.0.0.1:port).</summary>
    public string Url { get; }

    /// <summary>An HTTP client with <see cref="Url"/> as its base address.</summary>
    public HttpClient Http { get; }

    public static async Task<GatewayServer> StartAsync(KvApiOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var client = new CountingKvClient();
        builder.Services.AddSingleton<IKvClient>(client);
        builder.Services.AddKvApi(options);
        var app = builder.Build();
        app.MapKvApi();
        await app.StartAsync();
        // Kestrel reports the address it bound, with the port the OS chose.
        return new GatewayServer(app, client, app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
