using Microsoft.Extensions.DependencyInjection;

namespace OrleansKv.Client;

/// <summary>Registers an <see cref="IKvClient"/> on the grain factory of the host's Orleans client or silo.</summary>
public static class KvClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IKvClient"/> as a singleton over the host's <see cref="IGrainFactory"/>: an
    /// application that already runs an Orleans client (<c>UseOrleansClient</c>) or silo
    /// (<c>UseOrleans</c>) gets the KV operations on the same connection.
    /// </summary>
    public static IServiceCollection AddKvClient(this IServiceCollection services, KvClientOptions? options = null) =>
        services.AddSingleton<IKvClient>(sp => new KvClient(sp.GetRequiredService<IGrainFactory>(), options));
}
