using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// Real Orleans on the file membership table: two silos in this process form a cluster through
/// it, a client finds them through the file gateway list and calls a grain, and a silo that
/// stops is seen leaving. Every step is bounded by <see cref="ClusterHosts.StepTimeout"/>.
/// </summary>
public sealed class ClusterSmokeTests : IDisposable
{
    private readonly TableDirectory directory = new();
    private readonly string clusterId = "smoke-" + Guid.NewGuid().ToString("N")[..8];

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Two_silos_cluster_through_the_file_a_client_calls_a_grain_and_a_stopped_silo_leaves()
    {
        IHost? first = null, second = null, client = null;
        try
        {
            first = await ClusterHosts.StartSiloAsync(directory.Path, clusterId);
            second = await ClusterHosts.StartSiloAsync(directory.Path, clusterId);
            var secondAddress = ClusterHosts.SiloAddressOf(second);

            await ClusterHosts.WaitForMembershipAsync(first, s => ClusterHosts.HasActive(s, 2), "both silos Active in the first silo's view");
            await ClusterHosts.WaitForMembershipAsync(second, s => ClusterHosts.HasActive(s, 2), "both silos Active in the second silo's view");

            // Both silos really are in the file, as Active, with their gateways listed.
            var table = directory.CreateTable(clusterId);
            var rows = (await table.ReadAllAsync()).Members.Select(m => m.Item1).ToList();
            Assert.Equal(2, rows.Count(r => r.Status == SiloStatus.Active));
            Assert.Equal(2, (await directory.CreateGatewayList(clusterId).GetGatewaysAsync()).Count);

            client = await ClusterHosts.StartClientAsync(directory.Path, clusterId);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var reply = await grains.GetGrain<IEchoGrain>("smoke").Echo("hello").WaitAsync(ClusterHosts.StepTimeout);
            Assert.StartsWith("hello from ", reply);

            await ClusterHosts.StopAsync(second);
            second = null;

            await ClusterHosts.WaitForMembershipAsync(
                first,
                s => s.GetSiloStatus(secondAddress) is not SiloStatus.Active and not SiloStatus.None,
                "the stopped silo no longer Active in the first silo's view");
            var row = (await table.ReadRowAsync(secondAddress)).Members.Single().Item1;
            Assert.NotEqual(SiloStatus.Active, row.Status);
        }
        finally
        {
            await ClusterHosts.StopAsync(client);
            await ClusterHosts.StopAsync(second);
            await ClusterHosts.StopAsync(first);
        }
    }
}
