namespace OrleansKv.Client;

/// <summary>Base of every error the client reports; <see cref="ErrorCode"/> is stable and machine-readable.</summary>
public abstract class KvException(string errorCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public string ErrorCode { get; } = errorCode;
}

/// <summary>A write's condition did not hold; nothing was written.</summary>
public sealed class ConditionFailedException(ulong currentVersion, string message)
    : KvException("condition_failed", message)
{
    /// <summary>The key's version when the condition was checked (0 if absent).</summary>
    public ulong CurrentVersion { get; } = currentVersion;
}

public sealed class KeyTooLargeException(string message) : KvException("key_too_large", message);

public sealed class ValueTooLargeException(string message) : KvException("value_too_large", message);

/// <summary>The request itself is invalid (unknown operation, malformed condition); retrying will not help.</summary>
public sealed class BadRequestException(string message) : KvException("bad_request", message);

/// <summary>The group has no leader or no quorum; nothing was applied. Safe to retry later.</summary>
public sealed class UnavailableException(string message, Exception? inner = null)
    : KvException("unavailable", message, inner);

/// <summary>The deadline passed before an answer: a write may or may not have been applied.</summary>
public sealed class KvTimeoutException(string message, Exception? inner = null)
    : KvException("timeout", message, inner)
{
    /// <summary>Always true for writes: the caller cannot know whether the write took effect.</summary>
    public bool OutcomeUnknown { get; init; } = true;
}
