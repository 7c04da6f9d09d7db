using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// Chooses the serializer of a <c>file</c> provider left without one: a keyed
/// <see cref="IGrainStorageSerializer"/> under the provider's name (as Orleans's own providers
/// look it up), otherwise Orleans's binary <see cref="OrleansGrainStorageSerializer"/>.
/// </summary>
public sealed class FileGrainStorageSerializerConfigurator(IServiceProvider services) : IPostConfigureOptions<FileGrainStorageOptions>
{
    /// <inheritdoc/>
    public void PostConfigure(string? name, FileGrainStorageOptions options)
    {
        if (options.GrainStorageSerializer is not null) return;
        options.GrainStorageSerializer = (name is null ? null : services.GetKeyedService<IGrainStorageSerializer>(name))
            ?? new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
    }
}
