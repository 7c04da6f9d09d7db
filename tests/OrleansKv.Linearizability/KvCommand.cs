namespace OrleansKv.Linearizability;

/// <summary>
/// What a client asked the store to do: the kind, the key and the inputs.
/// Values are strings: cheap to compare and hash, and readable in failure explanations.
/// </summary>
public sealed record KvCommand
{
    private KvCommand(KvOperationKind kind, string key, string? value, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(key);
        Kind = kind;
        Key = key;
        Value = value;
        ExpectedVersion = expectedVersion;
    }

    public KvOperationKind Kind { get; }

    public string Key { get; }

    /// <summary>The value written by Put and CompareAndSet, or the suffix of Append; null for Get and Delete.</summary>
    public string? Value { get; }

    /// <summary>For CompareAndSet only: the version the key must have for the write to happen; 0 means "the key must be absent".</summary>
    public long ExpectedVersion { get; }

    public static KvCommand Get(string key) => new(KvOperationKind.Get, key, null, 0);

    public static KvCommand Put(string key, string value) =>
        new(KvOperationKind.Put, key, value ?? throw new ArgumentNullException(nameof(value)), 0);

    public static KvCommand Append(string key, string suffix) =>
        new(KvOperationKind.Append, key, suffix ?? throw new ArgumentNullException(nameof(suffix)), 0);

    public static KvCommand Delete(string key) => new(KvOperationKind.Delete, key, null, 0);

    /// <summary>Writes <paramref name="newValue"/> iff the key's version is <paramref name="expectedVersion"/>; pass 0 for create-if-absent.</summary>
    public static KvCommand CompareAndSet(string key, long expectedVersion, string newValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        return new(KvOperationKind.CompareAndSet, key, newValue ?? throw new ArgumentNullException(nameof(newValue)), expectedVersion);
    }

    public override string ToString() => Kind switch
    {
        KvOperationKind.Get => $"Get({Quote(Key)})",
        KvOperationKind.Put => $"Put({Quote(Key)}, {Quote(Value)})",
        KvOperationKind.Append => $"Append({Quote(Key)}, {Quote(Value)})",
        KvOperationKind.Delete => $"Delete({Quote(Key)})",
        KvOperationKind.CompareAndSet => $"CompareAndSet({Quote(Key)}, expected v{ExpectedVersion}, {Quote(Value)})",
        _ => Kind.ToString(),
    };

    internal static string Quote(string? text) => text is null ? "null" : $"\"{Truncate(text)}\"";

    // Appended values can grow long; explanations only need enough to tell values apart.
    private static string Truncate(string text) => text.Length <= 80 ? text : $"{text[..37]}...({text.Length} chars)...{text[^37..]}";
}
