using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>Registers <c>file</c> grain storage providers on an <see cref="IServiceCollection"/>.</summary>
public static class FileGrainStorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <c>file</c> grain storage provider named <paramref name="name"/>: a keyed
    /// <see cref="Orleans.Storage.IGrainStorage"/> that opens (and recovers) its directory at the
    /// silo's application-services stage and closes it when the silo stops.
    /// </summary>
    public static IServiceCollection AddFileGrainStorage(this IServiceCollection services, string name, Action<FileGrainStorageOptions> configure)
        => services.AddFileGrainStorage(name, builder => builder.Configure(configure));

    /// <summary>As <see cref="AddFileGrainStorage(IServiceCollection, string, Action{FileGrainStorageOptions})"/>, with an options builder.</summary>
    public static IServiceCollection AddFileGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<FileGrainStorageOptions>>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        configure?.Invoke(services.AddOptions<FileGrainStorageOptions>(name));
        services.AddTransient<IPostConfigureOptions<FileGrainStorageOptions>, FileGrainStorageSerializerConfigurator>();
        services.AddTransient<IConfigurationValidator>(sp =>
            new FileGrainStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<FileGrainStorageOptions>>().Get(name), name));
        return services.AddGrainStorage(name, static (sp, providerName) => new FileGrainStorage(
            providerName,
            sp.GetRequiredService<IOptionsMonitor<FileGrainStorageOptions>>().Get(providerName),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<FileGrainStorage>()));
    }
}
