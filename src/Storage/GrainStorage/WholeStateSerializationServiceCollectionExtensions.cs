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
        services.AddOptions<TOptions>(providerName).PostConfigure<IServiceProvider>((options, provider) =>
            options.GrainStorageSerializer = new WholeStateGrainStorageSerializer(
                options.GrainStorageSerializer
                ?? provider.GetKeyedService<IGrainStorageSerializer>(providerName)
                ?? provider.GetRequiredService<IGrainStorageSerializer>()));
        return services;
    }
}
