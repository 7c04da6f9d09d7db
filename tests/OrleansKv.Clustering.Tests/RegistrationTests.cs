using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>What the service-collection extensions register, and what the options validator refuses.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void AddFileMembershipTable_makes_one_FileMembershipTable_the_silos_membership_table()
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .Configure<ClusterOptions>(o => o.ClusterId = "registration")
            .AddFileMembershipTable(o => o.Directory = "/tmp/registration")
            .BuildServiceProvider();

        var table = services.GetRequiredService<IMembershipTable>();

        Assert.Same(services.GetRequiredService<FileMembershipTable>(), table);
        Assert.Contains(services.GetServices<IConfigurationValidator>(), v => v is FileClusteringOptionsValidator);
    }

    [Fact]
    public void AddFileGatewayListProvider_registers_the_list_and_shortens_the_clients_refresh_period()
    {
        using var services = new ServiceCollection()
            .Configure<ClusterOptions>(o => o.ClusterId = "registration")
            .AddFileGatewayListProvider(o =>
            {
                o.Directory = "/tmp/registration";
                o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(3);
            })
            .BuildServiceProvider();

        Assert.IsType<FileGatewayListProvider>(services.GetRequiredService<IGatewayListProvider>());
        Assert.Equal(TimeSpan.FromSeconds(3), services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
    }

    [Fact]
    public void Registering_both_halves_adds_the_validator_once()
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddFileMembershipTable(o => o.Directory = "/tmp/registration")
            .AddFileGatewayListProvider()
            .BuildServiceProvider();

        Assert.Single(services.GetServices<IConfigurationValidator>());
    }

    [Fact]
    public void The_validator_refuses_a_missing_directory_by_name()
    {
        var validator = new FileClusteringOptionsValidator(Options.Create(new FileClusteringOptions()));

        var error = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);
        Assert.Contains(nameof(FileClusteringOptions.Directory), error.Message);
    }

    [Fact]
    public void The_validator_refuses_a_lock_timeout_that_is_not_positive()
    {
        var options = new FileClusteringOptions { Directory = "/tmp/x", LockTimeout = TimeSpan.Zero };

        var error = Assert.Throws<OrleansConfigurationException>(
            new FileClusteringOptionsValidator(Options.Create(options)).ValidateConfiguration);
        Assert.Contains(nameof(FileClusteringOptions.LockTimeout), error.Message);
    }

    [Fact]
    public void The_validator_accepts_the_defaults_with_a_directory()
    {
        var options = new FileClusteringOptions { Directory = "/tmp/x" };

        new FileClusteringOptionsValidator(Options.Create(options)).ValidateConfiguration();
    }
}
