namespace OrleansKv.Linearizability;

/// <summary>
/// The observed result of an operation. Build it with the factory methods.
/// </summary>
/// <remarks>
/// Version conventions: a version is an opaque positive number the store assigns to each write of a key
/// (e.g. the Raft log index that wrote it); successive writes of a key get strictly greater versions,
/// across deletes too. An absent key has version 0, which is what CompareAndSet expects for create-if-absent.
/// Any version may be left unreported (null): the checker then checks the value only.
/// <c>default(KvOutput)</c> is <see cref="Unknown"/>.
/// </remarks>
public readonly record struct KvOutput
{
    private KvOutput(KvOutcome outcome, string? value, long? version)
    {
        Outcome = outcome;
        Value = value;
        Version = version;
    }

    public KvOutcome Outcome { get; }

    /// <summary>The value a Get read (Found only).</summary>
    public string? Value { get; }

    /// <summary>
    /// Found: the version of the value read. Written / Swapped: the new version assigned.
    /// SwapRejected: the current version the store reported (0 = absent). Null: not reported, not checked.
    /// </summary>
    public long? Version { get; }

    public bool IsUnknown => Outcome == KvOutcome.Unknown;

    /// <summary>The client never learned the outcome.</summary>
    public static KvOutput Unknown => default;

    public static KvOutput Found(string value, long? version = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(KvOutcome.Found, value, RequirePositive(version));
    }

    public static KvOutput NotFound => new(KvOutcome.NotFound, null, null);

    /// <summary>Acknowledgement of a Put or Append, with the version the store assigned if known.</summary>
    public static KvOutput Written(long? newVersion = null) => new(KvOutcome.Written, null, RequirePositive(newVersion));

    /// <summary>Acknowledgement of a Delete; <paramref name="existed"/> null when the store does not say.</summary>
    public static KvOutput Deleted(bool? existed = true) => existed switch
    {
        true => new(KvOutcome.Deleted, null, null),
        false => new(KvOutcome.DeletedNothing, null, null),
        null => new(KvOutcome.DeleteAcknowledged, null, null),
    };

    public static KvOutput Swapped(long? newVersion = null) => new(KvOutcome.Swapped, null, RequirePositive(newVersion));

    /// <summary>A rejected CompareAndSet; <paramref name="currentVersion"/> is what the store said the version was (0 = absent), if it said.</summary>
    public static KvOutput SwapRejected(long? currentVersion = null)
    {
        if (currentVersion < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(currentVersion), currentVersion, "Versions are never negative.");
        }

        return new(KvOutcome.SwapRejected, null, currentVersion);
    }

    /// <summary>Whether this output is a possible answer to a command of the given kind.</summary>
    public bool FitsCommand(KvOperationKind kind) => Outcome switch
    {
        KvOutcome.Unknown => true,
        KvOutcome.Found or KvOutcome.NotFound => kind == KvOperationKind.Get,
        KvOutcome.Written => kind is KvOperationKind.Put or KvOperationKind.Append,
        KvOutcome.Deleted or KvOutcome.DeletedNothing or KvOutcome.DeleteAcknowledged => kind == KvOperationKind.Delete,
        KvOutcome.Swapped or KvOutcome.SwapRejected => kind == KvOperationKind.CompareAndSet,
        _ => false,
    };

    public override string ToString() => Outcome switch
    {
        KvOutcome.Unknown => "unknown",
        KvOutcome.Found => $"found {KvCommand.Quote(Value)}{VersionSuffix}",
        KvOutcome.NotFound => "not found",
        KvOutcome.Written => $"written{VersionSuffix}",
        KvOutcome.Deleted => "deleted (existed)",
        KvOutcome.DeletedNothing => "deleted (did not exist)",
        KvOutcome.DeleteAcknowledged => "deleted",
        KvOutcome.Swapped => $"swapped{VersionSuffix}",
        KvOutcome.SwapRejected => $"swap rejected{(Version is { } v ? $" (current v{v})" : "")}",
        _ => Outcome.ToString(),
    };

    private string VersionSuffix => Version is { } v ? $" v{v}" : "";

    private static long? RequirePositive(long? version)
    {
        if (version <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Versions assigned by the store are positive; 0 means absent.");
        }

        return version;
    }
}
