using OrleansKv.Client;
using OrleansKv.Silo.Configuration;
using OrleansKv.Silo.Runtime;

namespace OrleansKv.Silo;

/// <summary>The pieces of Program.cs that are not composition: config file lookup, the gateway's client, test fault endpoints.</summary>
internal static class SiloHostSetup
{
    public sealed class ClientHolder
    {
        private IKvClient? _client;
        public IKvClient Client
        {
            get => _client ?? throw new InvalidOperationException("the gateway client is not connected yet");
            set => _client = value;
        }
    }

    /// <summary>The value of --config, if given.</summary>
    public static string? ConfigFileArgument(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith("--config=", StringComparison.Ordinal)) return args[i]["--config=".Length..];
        }
        return null;
    }

    public static async Task<IKvClient> ConnectGatewayClientAsync(SiloOptions options, SiloRuntime runtime)
    {
        var seeds = new List<string> { options.Address };
        foreach (var silo in options.Silos) if (silo.Id != options.Id) seeds.Add(silo.Address);
        return await KvClient.ConnectAsync(new KvClientOptions
        {
            Seeds = seeds,
            ClusterName = options.Cluster,
            // Requests for this silo's own groups skip the loopback socket.
            LocalSilo = new LocalGatewaySilo(runtime),
            // Under the test fault switch the gateway is cut off together with its silo.
            ConnectCallback = options.EnableTestFaults ? (address, ct) => ConnectIsolatableAsync(address, options.Address, runtime, ct) : null,
        }, CancellationToken.None);
    }

    private static async ValueTask<Stream> ConnectIsolatableAsync(string address, string ownAddress, SiloRuntime runtime, CancellationToken cancellationToken)
    {
        var local = address == ownAddress;
        if (!local && runtime.Transport.Isolated) throw new IOException($"the silo is isolated; {address} is unreachable (test fault)");
        var endpoint = System.Net.IPEndPoint.Parse(address);
        var socket = new System.Net.Sockets.Socket(endpoint.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        Stream stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        return local ? stream : new Faults.IsolatableStream(stream, () => runtime.Transport.Isolated);
    }

    /// <summary>Endpoints that cut this silo off from its peers (client connections keep working). Only with EnableTestFaults.</summary>
    public static void MapTestFaults(WebApplication app, SiloRuntime runtime)
    {
        app.MapPost("/test/faults/isolate", () => { runtime.Transport.Isolated = true; return Results.NoContent(); });
        app.MapPost("/test/faults/heal", () => { runtime.Transport.Isolated = false; return Results.NoContent(); });
    }
}
