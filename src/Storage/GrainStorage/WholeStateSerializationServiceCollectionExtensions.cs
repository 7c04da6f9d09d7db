using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>Registration of <see cref="WholeStateGrainStorageSerializer"/> for a named provider.</summary>
public static class WholeStateSerializationServiceCollectionExtensions
{
    /// <summary>
    /// Makes the grain storage provider <paramref name="providerName"/> (options
    /// <typeparamref name="TOptions"/>) read and write each state as a whole buffer, with whatever
    /// serializer it would otherwise use (see <see cref="WholeStateGrainStorageSerializer"/>).
    /// Call it after the provider is added: it wraps the serializer Orleans has chosen by then.
    /// </summary>
    public static IServiceCollection UseWholeStateSerialization<TOptions>(this IServiceCollection services, string providerName)
        where TOptions : class, IStorageProviderSerializerOptions
    {
        // Orleans's providers register their own choice of serializer (keyed by name, else the
        // silo's default) when they are added, so it has run by the time this one does.
        services.AddOptions<TOptions>(providerName).PostConfigure(options =>
            options.GrainStorageSerializer = new WholeStateGrainStorageSerializer(options.GrainStorageSerializer
                ?? throw new InvalidOperationException($"grain storage '{providerName}' has no serializer yet: add the provider before UseWholeStateSerialization")));
        return services;
    }
}
