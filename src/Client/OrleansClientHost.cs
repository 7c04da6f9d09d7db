using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansKv.Clustering;

namespace OrleansKv.Client;

/// <summary>Starts the Orleans cluster client a <see cref="KvClient"/> owns, with the clustering its options name.</summary>
internal static class OrleansClientHost
{
    public static async Task<IHost> StartAsync(KvClientOptions options, CancellationToken cancellationToken)
    {
        // No configuration files, environment variables or console logging of its own: the client
        // is a library inside someone else's program.
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = options.ClusterId; o.ServiceId = options.ServiceId; });
            UseClustering(client, options);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or System.Net.Sockets.SocketException)
        {
            host.Dispose();
            throw new UnavailableException($"could not connect to the cluster's gateways: {e.Message}", e);
        }
    }

    private static void UseClustering(IClientBuilder client, KvClientOptions options)
    {
        if (options.Gateways.Count > 0)
        {
            client.UseStaticClustering([.. options.Gateways.Select(IPEndPoint.Parse)]);
        }
        else if (!string.IsNullOrEmpty(options.ClusteringDirectory))
        {
            client.UseFileClustering(Path.GetFullPath(options.ClusteringDirectory));
        }
        else if (!string.IsNullOrEmpty(options.AzureTableConnectionString))
        {
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(options.AzureTableConnectionString));
        }
        else
        {
            throw new ArgumentException("KvClientOptions names no way to find the cluster: set Gateways, ClusteringDirectory or AzureTableConnectionString");
        }
    }
}
