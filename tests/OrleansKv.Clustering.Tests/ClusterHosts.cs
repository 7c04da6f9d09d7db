using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// Real Orleans silos and clients in this test process, each its own generic host, clustered
/// through a file membership table on 127.0.0.1 ports that were free a moment ago.
/// </summary>
internal static class ClusterHosts
{
    /// <summary>How long any one start, stop or wait may take before the test fails.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Starts a silo whose membership table lives in <paramref name="directory"/>.</summary>
    public static async Task<IHost> StartSiloAsync(
        string directory, string clusterId, Action<ClusterMembershipOptions>? membership = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "file-clustering-tests"));
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort(), listenOnAnyHostAddress: false);
            silo.Services.AddFileMembershipTable(o => o.Directory = directory);
            if (membership is not null)
            {
                silo.Configure(membership);
            }
        });
        var host = builder.Build();
        await host.StartAsync().WaitAsync(StepTimeout);
        return host;
    }

    /// <summary>Starts a client that finds the gateways through the table in <paramref name="directory"/>.</summary>
    public static async Task<IHost> StartClientAsync(string directory, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "file-clustering-tests"));
            client.UseFileClustering(directory);
        });
        var host = builder.Build();
        await host.StartAsync().WaitAsync(StepTimeout);
        return host;
    }

    /// <summary>Stops <paramref name="host"/> gracefully (bounded) and disposes it; null is ignored.</summary>
    public static async Task StopAsync(IHost? host)
    {
        if (host is null)
        {
            return;
        }

        try
        {
            using var bound = new CancellationTokenSource(StepTimeout);
            await host.StopAsync(bound.Token);
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>The silo's own address.</summary>
    public static SiloAddress SiloAddressOf(IHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>
    /// Waits, without polling, until <paramref name="silo"/>'s view of the membership satisfies
    /// <paramref name="condition"/>; fails with the last view after <see cref="StepTimeout"/>.
    /// </summary>
    public static async Task<ClusterMembershipSnapshot> WaitForMembershipAsync(
        IHost silo, Func<ClusterMembershipSnapshot, bool> condition, string what)
    {
        var membership = silo.Services.GetRequiredService<IClusterMembershipService>();
        using var bound = new CancellationTokenSource(StepTimeout);
        try
        {
            // The stream starts with the current snapshot and then yields every change.
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(bound.Token))
            {
                if (condition(snapshot))
                {
                    return snapshot;
                }
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // Fall through to the failure below, which shows what the silo did see.
        }

        throw new TimeoutException($"Within {StepTimeout.TotalSeconds} s, {what} did not happen. Last view: {membership.CurrentSnapshot}");
    }

    /// <summary>Whether the snapshot has exactly <paramref name="count"/> Active silos.</summary>
    public static bool HasActive(ClusterMembershipSnapshot snapshot, int count) =>
        snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) == count;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
