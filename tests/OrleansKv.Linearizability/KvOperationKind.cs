namespace OrleansKv.Linearizability;

/// <summary>The commands a client can issue against the key-value store.</summary>
public enum KvOperationKind : byte
{
    /// <summary>Read a key: its value and version, or that it is absent.</summary>
    Get,

    /// <summary>Overwrite (or create) a key with a value.</summary>
    Put,

    /// <summary>Append a suffix to a key's value; appending to an absent key creates it with the suffix as value.</summary>
    Append,

    /// <summary>Remove a key; afterwards it is absent.</summary>
    Delete,

    /// <summary>Write a value only if the key's current version equals an expected version (0 = the key must be absent).</summary>
    CompareAndSet,
}
