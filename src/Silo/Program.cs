using OrleansKv.Silo;
using OrleansKv.Silo.Configuration;
using OrleansKv.Silo.Runtime;

if (args.Length > 0 && args[0] == "local") return await LocalCluster.RunAsync(args[1..]);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
builder.Configuration.AddCommandLine(args, SiloCommandLine.Switches);
var options = SiloCommandLine.Bind(builder.Configuration);
builder.WebHost.UseUrls(options.HttpUrl);
var app = builder.Build();
var runtime = new SiloRuntime(options, app.Services.GetRequiredService<ILoggerFactory>());
runtime.Start();
app.MapGet("/healthz/ready", () => runtime.AllGroupsHaveLeader ? Results.Ok(runtime.DescribeCluster().ToString()) : Results.StatusCode(503));
app.Lifetime.ApplicationStopping.Register(() => runtime.TransferLeadershipAwayAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult());
await app.RunAsync();
await runtime.DisposeAsync();
return 0;
