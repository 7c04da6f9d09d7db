using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Storage.Tests.RaftState;

/// <summary>
/// One in-process Orleans silo with a grain storage provider registered by name, as a silo
/// registers it: the contract suite gets the provider from the silo's services.
/// </summary>
public abstract class OrleansStorageSilo : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    protected abstract string ProviderName { get; }

    /// <summary>The provider under test.</summary>
    public IGrainStorage Provider => _cluster!.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(ProviderName);

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _cluster!.GetSiloServiceProvider();

    protected abstract void AddProvider(ISiloBuilder silo);

    public virtual async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => AddProvider(silo));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

/// <summary>Orleans's memory provider (Microsoft.Orleans.Persistence.Memory), which keeps its data in grains.</summary>
public sealed class MemoryStorageSilo : OrleansStorageSilo
{
    protected override string ProviderName => "memory";

    protected override void AddProvider(ISiloBuilder silo) => silo.AddMemoryGrainStorage(ProviderName);
}

/// <summary>This repository's <c>file</c> provider (src/Storage/GrainStorage), in a temporary folder.</summary>
public sealed class FileStorageSilo : OrleansStorageSilo
{
    private readonly TempDirectory _directory = new();

    protected override string ProviderName => "file";

    protected override void AddProvider(ISiloBuilder silo) => silo.AddFileGrainStorage(ProviderName, o => o.Directory = _directory.Path);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>Microsoft's Azure Blob provider (Microsoft.Orleans.Persistence.AzureStorage) on Azurite, started for the fixture.</summary>
public sealed class AzureBlobStorageSilo : OrleansStorageSilo
{
    private Azurite? _azurite;

    protected override string ProviderName => "azureblob";

    protected override void AddProvider(ISiloBuilder silo)
    {
        silo.AddAzureBlobGrainStorage(ProviderName, o => o.BlobServiceClient = new BlobServiceClient(_azurite!.ConnectionString));
        // As the silo configures it (SiloBuilderSetup).
        silo.Services.UseWholeStateSerialization<AzureBlobStorageOptions>(ProviderName);
    }

    public override async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync(TimeSpan.FromSeconds(60));
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
