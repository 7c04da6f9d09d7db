using OrleansKv.Api;
using OrleansKv.Client;

// The gateway on its own, in front of a cluster, as an Orleans client:
//   --gateways host:port[,host:port] (the silos' Orleans gateway endpoints) [--cluster id] [--urls http://127.0.0.1:8080]
//   [--apikey KEY] (every request but the health probes then needs it; the ApiKey environment
//   variable is the better place, since other users of the machine can read a command line)
var builder = WebApplication.CreateBuilder(args);
var gateways = (builder.Configuration["gateways"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (gateways.Length == 0)
{
    Console.Error.WriteLine("orleanskv gateway: --gateways host:port[,host:port] is required");
    return 2;
}
var apiKey = builder.Configuration["apikey"];
if (!string.IsNullOrEmpty(apiKey))
{
    try
    {
        GatewayApiKey.Validate(apiKey, "the API key (--apikey or ApiKey)");
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine($"orleanskv gateway: {e.Message}");
        return 2;
    }
}
builder.Services.AddKvApi(new KvApiOptions { ApiKey = apiKey });
var client = await KvClient.ConnectAsync(new KvClientOptions { Gateways = gateways, ClusterId = builder.Configuration["cluster"] ?? "orleanskv" });
builder.Services.AddSingleton<IKvClient>(client);
var app = builder.Build();
app.MapKvApi();
await app.RunAsync();
await client.DisposeAsync();
return 0;
