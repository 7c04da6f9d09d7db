using OrleansKv.Api;
using OrleansKv.Client;

// The gateway on its own, in front of a cluster: --seeds host:port[,host:port] [--cluster name] [--urls http://127.0.0.1:8080]
var builder = WebApplication.CreateBuilder(args);
var seeds = (builder.Configuration["seeds"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (seeds.Length == 0)
{
    Console.Error.WriteLine("orleanskv gateway: --seeds host:port[,host:port] is required");
    return 2;
}
var client = await KvClient.ConnectAsync(new KvClientOptions { Seeds = seeds, ClusterName = builder.Configuration["cluster"] ?? "orleanskv" });
builder.Services.AddSingleton<IKvClient>(client);
builder.Services.AddKvApi(new KvApiOptions());
var app = builder.Build();
app.MapKvApi();
await app.RunAsync();
await client.DisposeAsync();
return 0;
