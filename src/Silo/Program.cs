using OrleansKv.Api;
using OrleansKv.Client;
using OrleansKv.Silo;
using OrleansKv.Silo.Configuration;
using OrleansKv.Silo.Runtime;

// `OrleansKv.Silo local ...` starts a whole local cluster (one child process per silo);
// anything else runs one silo.
if (args.Length > 0 && args[0] == "local") return await LocalCluster.RunAsync(args[1..]);

// The slim builder: no HTTPS, QUIC, static assets or hosting-startup scanning, which the silo
// does not use (fewer assemblies loaded and JIT-compiled). No reload-on-change: its file
// watcher walks the content root (often a whole checkout) for nothing.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false", .. args] });
if (SiloHostSetup.ConfigFileArgument(args) is { } configFile) builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
builder.Configuration.AddEnvironmentVariables("ORLEANSKV_");
builder.Configuration.AddCommandLine(args, SiloCommandLine.Switches);

SiloOptions options;
try
{
    options = SiloCommandLine.Bind(builder.Configuration);
}
catch (Exception e) when (e is InvalidOperationException or FormatException)
{
    Console.Error.WriteLine($"orleanskv silo: {e.Message}");
    return 2;
}

var clientHolder = new SiloHostSetup.ClientHolder();
builder.WebHost.UseUrls(options.HttpUrl.Length > 0 ? options.HttpUrl : "http://127.0.0.1:0");
// Each gateway connection reads straight into a buffer instead of first waiting with a zero-byte
// read: one receive call per request rather than two (4 KiB held per idle connection). In
// bench/compare's put load this took ~10 % off the silo CPU per request.
builder.WebHost.UseSockets(o => o.WaitForDataBeforeAllocatingBuffer = false);
builder.Services.AddSingleton<IKvClient>(_ => clientHolder.Client);
SiloRuntime? runtime = null;
builder.Services.AddKvApi(new KvApiOptions
{
    MaxKeyBytes = options.MaxKeyBytes,
    MaxValueBytes = options.MaxValueBytes,
    Readiness = _ => Task.FromResult(runtime?.AllGroupsHaveLeader == true),
});

var app = builder.Build();
runtime = new SiloRuntime(options, app.Services.GetRequiredService<ILoggerFactory>());
try
{
    runtime.Start();
}
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
{
    Console.Error.WriteLine($"orleanskv silo {options.Id}: cannot start: {e.Message}");
    await runtime.DisposeAsync();
    return 1;
}
// The co-hosted gateway is a cluster client like any other; its first seed is this silo.
clientHolder.Client = await SiloHostSetup.ConnectGatewayClientAsync(options, runtime);

app.MapKvApi();
if (options.EnableTestFaults) SiloHostSetup.MapTestFaults(app, runtime);

// Graceful stop (SIGTERM, Ctrl-C): hand leadership over first, so a rolling restart costs no election timeout.
app.Lifetime.ApplicationStopping.Register(() => runtime.TransferLeadershipAwayAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult());

await app.RunAsync();
await clientHolder.Client.DisposeAsync();
await runtime.DisposeAsync();
return 0;
