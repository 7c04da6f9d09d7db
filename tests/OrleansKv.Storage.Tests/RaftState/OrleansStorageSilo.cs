using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace OrleansKv.Storage.Tests.RaftState;

/// <summary>
/// One in-process Orleans silo with the grain storage providers the contract suite runs against,
/// registered by name as a silo registers them. Orleans's memory provider keeps its data in
/// grains, so it needs a running silo.
/// </summary>
public sealed class OrleansStorageSilo : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    /// <summary>The provider registered under <paramref name="name"/>.</summary>
    public IGrainStorage Provider(string name) =>
        _cluster!.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(name);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage("memory"));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
