using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>Checks a <c>file</c> provider's options when the silo starts.</summary>
public sealed class FileGrainStorageOptionsValidator(FileGrainStorageOptions options, string name) : IConfigurationValidator
{
    /// <inheritdoc/>
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
            throw new OrleansConfigurationException($"File grain storage '{name}': {nameof(FileGrainStorageOptions.Directory)} is required.");
        if (options.SegmentBytes < 4096)
            throw new OrleansConfigurationException($"File grain storage '{name}': {nameof(FileGrainStorageOptions.SegmentBytes)} must be at least 4096.");
        if (options.CompactBelowLiveFraction is < 0 or > 1)
            throw new OrleansConfigurationException($"File grain storage '{name}': {nameof(FileGrainStorageOptions.CompactBelowLiveFraction)} must be between 0 and 1.");
    }
}
