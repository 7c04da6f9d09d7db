using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Messaging;

namespace OrleansKv.Clustering;

/// <summary>
/// Registers file-based clustering in a service collection: the membership table for a silo, the
/// gateway list for a client. An <c>ISiloBuilder</c> extension only needs to call
/// <see cref="AddFileMembershipTable(IServiceCollection, Action{FileClusteringOptions})"/> on
/// <c>builder.Services</c>, which is also how Orleans's own clustering providers register.
/// </summary>
public static class FileClusteringServiceCollectionExtensions
{
    /// <summary>
    /// Makes <see cref="FileMembershipTable"/> the silo's <see cref="IMembershipTable"/>, configured
    /// by <paramref name="configure"/> (which must set <see cref="FileClusteringOptions.Directory"/>).
    /// Do not also call <c>UseLocalhostClustering</c> or another clustering provider.
    /// </summary>
    public static IServiceCollection AddFileMembershipTable(this IServiceCollection services, Action<FileClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services.AddFileMembershipTable();
    }

    /// <summary>
    /// Makes <see cref="FileMembershipTable"/> the silo's <see cref="IMembershipTable"/>, with
    /// <see cref="FileClusteringOptions"/> configured elsewhere (for example bound from configuration).
    /// </summary>
    public static IServiceCollection AddFileMembershipTable(this IServiceCollection services)
    {
        services.AddOptions<FileClusteringOptions>();
        services.AddSingleton<FileMembershipTable>();
        services.AddSingleton<IMembershipTable>(sp => sp.GetRequiredService<FileMembershipTable>());
        AddValidator(services);
        return services;
    }

    /// <summary>
    /// Makes <see cref="FileGatewayListProvider"/> the client's <see cref="IGatewayListProvider"/>,
    /// configured by <paramref name="configure"/>, and has the client re-read the gateway list every
    /// <see cref="FileClusteringOptions.GatewayListRefreshPeriod"/> (this sets
    /// <see cref="GatewayOptions.GatewayListRefreshPeriod"/>; a later Configure of GatewayOptions wins).
    /// </summary>
    public static IServiceCollection AddFileGatewayListProvider(this IServiceCollection services, Action<FileClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services.AddFileGatewayListProvider();
    }

    /// <summary>
    /// Makes <see cref="FileGatewayListProvider"/> the client's <see cref="IGatewayListProvider"/>,
    /// with <see cref="FileClusteringOptions"/> configured elsewhere.
    /// </summary>
    public static IServiceCollection AddFileGatewayListProvider(this IServiceCollection services)
    {
        services.AddOptions<FileClusteringOptions>();
        services.AddSingleton<FileGatewayListProvider>();
        services.AddSingleton<IGatewayListProvider>(sp => sp.GetRequiredService<FileGatewayListProvider>());
        // The client's refresh timer runs on GatewayOptions; Orleans's one-minute default would
        // leave a client trying a stopped silo's gateway, or missing a new one, for too long.
        services.AddOptions<GatewayOptions>()
            .Configure<IOptions<FileClusteringOptions>>(
                (gateway, file) => gateway.GatewayListRefreshPeriod = file.Value.GatewayListRefreshPeriod);
        AddValidator(services);
        return services;
    }

    private static void AddValidator(IServiceCollection services) =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigurationValidator, FileClusteringOptionsValidator>());
}
