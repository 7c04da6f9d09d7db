using OrleansKv.Api;
using OrleansKv.Silo;
using OrleansKv.Silo.Configuration;
using OrleansKv.Silo.Hosting;

// `OrleansKv.Silo local ...` starts a whole local cluster (one child process per silo);
// anything else runs one silo: an Orleans silo with the HTTP gateway co-hosted.
if (args.Length > 0 && args[0] == "local") return await LocalCluster.RunAsync(args[1..]);
InlineSocketCompletions.Enable();

// The slim builder: no HTTPS, QUIC, static assets or hosting-startup scanning, which the silo
// does not use. No reload-on-change: its file watcher walks the content root for nothing.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false", .. args] });
if (SiloCommandLine.ConfigFile(args) is { } configFile) builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
builder.Configuration.AddEnvironmentVariables("ORLEANSKV_");
builder.Configuration.AddCommandLine(args, SiloCommandLine.Switches);

SiloSettings settings;
try
{
    settings = SiloCommandLine.Bind(builder.Configuration);
    if (settings.Storage == "file") EarlierFormat.ThrowIfWriteAheadLog(Path.GetFullPath(settings.DataDirectory));
}
catch (Exception e) when (e is InvalidOperationException or FormatException)
{
    Console.Error.WriteLine($"orleanskv silo: {e.Message}");
    return 2;
}

// Silo:Address=auto and Silo:AdvertisedHost become the address to advertise, before Orleans's
// endpoints are configured (a container's DNS entry may take a few seconds to appear).
var configuredAddress = settings.AdvertisedHost.Length > 0 ? settings.AdvertisedHost : settings.Address;
try
{
    await settings.ResolveAddressAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"orleanskv silo {settings.Name}: {e.Message}");
    return 1;
}

builder.WebHost.UseUrls(settings.HttpUrl);
// Each gateway connection reads straight into a buffer instead of first waiting with a zero-byte
// read: one receive call per request rather than two (4 KiB held per idle connection). Requests
// are handled on the socket thread that received them (see InlineSocketCompletions).
builder.WebHost.UseSockets(o =>
{
    o.WaitForDataBeforeAllocatingBuffer = false;
    o.UnsafePreferInlineScheduling = InlineSocketCompletions.Enabled;
});
// ASP.NET Core's hosting starts an Activity per request (an object and an async-local change)
// whenever its diagnostics logger is enabled at all. The gateway logs its own failures, so that
// logger is off unless the configuration names it.
const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";
if (builder.Configuration[$"Logging:LogLevel:{HostingDiagnostics}"] is null) builder.Logging.AddFilter(HostingDiagnostics, LogLevel.None);
builder.UseOrleans(silo => SiloBuilderSetup.Configure(silo, settings));
IServiceProvider? services = null;
GatewaySetup.AddGateway(builder.Services, settings, () => services is not null && GatewaySetup.IsReady(services, settings));

var app = builder.Build();
services = app.Services;
// What an operator compares with the membership table when the address was looked up.
if (configuredAddress != settings.Address)
    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansKv.Silo")
        .LogInformation("{Silo} advertises {Address} ({Configured})", settings.Name, settings.Address, configuredAddress);
app.MapKvApi();
if (settings.EnableTestFaults) TestFaultEndpoints.Map(app);

try
{
    // A graceful stop (SIGTERM, Ctrl-C) first hands off the groups led here (see LocalPeersLifecycle).
    await app.RunAsync();
    return 0;
}
// Also Azure storage that cannot be reached at start (Blob grain storage creates its container then).
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OrleansException or InvalidOperationException
    or Azure.RequestFailedException or AggregateException { InnerException: Azure.RequestFailedException })
{
    Console.Error.WriteLine($"orleanskv silo {settings.Name}: {e.Message}");
    return 1;
}
