using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Clustering;

/// <summary>
/// Fails silo or client start-up, with a message naming the option, when
/// <see cref="FileClusteringOptions"/> cannot work, rather than at the first table call.
/// </summary>
public sealed class FileClusteringOptionsValidator : IConfigurationValidator
{
    private readonly FileClusteringOptions options;

    /// <summary>Creates the validator over the configured options.</summary>
    public FileClusteringOptionsValidator(IOptions<FileClusteringOptions> options)
    {
        this.options = options.Value;
    }

    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            throw new OrleansConfigurationException(
                $"{nameof(FileClusteringOptions)}.{nameof(FileClusteringOptions.Directory)} is required: "
                + "the folder that holds the cluster's membership table.");
        }

        if (options.LockTimeout <= TimeSpan.Zero)
        {
            throw new OrleansConfigurationException(
                $"{nameof(FileClusteringOptions)}.{nameof(FileClusteringOptions.LockTimeout)} must be positive "
                + $"(was {options.LockTimeout}).");
        }

        if (options.GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            throw new OrleansConfigurationException(
                $"{nameof(FileClusteringOptions)}.{nameof(FileClusteringOptions.GatewayListRefreshPeriod)} must be "
                + $"positive (was {options.GatewayListRefreshPeriod}).");
        }
    }
}
