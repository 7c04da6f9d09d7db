using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// Options of one <c>file</c> grain storage provider (<see cref="FileGrainStorage"/>), named after
/// the provider.
/// </summary>
public sealed class FileGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Default for <see cref="SegmentBytes"/>: 64 MiB.</summary>
    public const long DefaultSegmentBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The provider's own directory (required). It holds the provider's segments and a LOCK file;
    /// two providers, or two processes, must not share it.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Size at which the current segment is closed and a new one started. A segment may end up
    /// larger by one group-commit batch (or one record larger than the limit).
    /// </summary>
    public long SegmentBytes { get; set; } = DefaultSegmentBytes;

    /// <summary>
    /// A closed segment is compacted (its live records copied forward, then the file deleted)
    /// once less than this fraction of its bytes is live (the newest closed segment waits until
    /// the next one closes). Between 0 (never) and 1. Default 0.5, so disk use stays below about
    /// twice the live data plus two segments.
    /// </summary>
    public double CompactBelowLiveFraction { get; set; } = 0.5;

    /// <summary>
    /// Silo lifecycle stage at which the provider opens (and recovers) its directory; it closes
    /// when that stage stops, after the grains have been deactivated. Default
    /// <see cref="ServiceLifecycleStage.RuntimeStorageServices"/>, the storage stage, so the log
    /// is open before any grain or application service can use it.
    /// </summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.RuntimeStorageServices;

    /// <summary>
    /// Serializer of the states. When left null the provider takes an
    /// <see cref="IGrainStorageSerializer"/> registered as a keyed service under the provider's
    /// name, and otherwise Orleans's compact binary <see cref="OrleansGrainStorageSerializer"/>
    /// (state types then need <c>[GenerateSerializer]</c>). The silo-wide default of Orleans
    /// (JSON) is not taken implicitly: set it here to use it.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
