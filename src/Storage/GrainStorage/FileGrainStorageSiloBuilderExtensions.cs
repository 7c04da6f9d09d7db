using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>Registers <c>file</c> grain storage providers on an Orleans <see cref="ISiloBuilder"/>.</summary>
public static class FileGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds a <c>file</c> grain storage provider named <paramref name="name"/>.</summary>
    public static ISiloBuilder AddFileGrainStorage(this ISiloBuilder builder, string name, Action<FileGrainStorageOptions> configure)
        => builder.ConfigureServices(services => services.AddFileGrainStorage(name, configure));

    /// <summary>Adds a <c>file</c> grain storage provider named <paramref name="name"/>, with an options builder.</summary>
    public static ISiloBuilder AddFileGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<FileGrainStorageOptions>>? configure = null)
        => builder.ConfigureServices(services => services.AddFileGrainStorage(name, configure));
}
