using Orleans.Hosting;

namespace OrleansKv.Clustering;

/// <summary>
/// Points an Orleans client at a cluster that uses file-based clustering: the client finds the
/// gateways in the membership table file the silos keep in the same directory.
/// </summary>
public static class FileClusteringClientBuilderExtensions
{
    /// <summary>Uses the table in <paramref name="directory"/> to find the cluster's gateways.</summary>
    public static IClientBuilder UseFileClustering(this IClientBuilder builder, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return builder.UseFileClustering(options => options.Directory = directory);
    }

    /// <summary>Uses file-based clustering configured by <paramref name="configure"/>.</summary>
    public static IClientBuilder UseFileClustering(this IClientBuilder builder, Action<FileClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFileGatewayListProvider(configure);
        return builder;
    }
}
