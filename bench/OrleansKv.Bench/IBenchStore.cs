namespace OrleansKv.Bench;

/// <summary>
/// A key-value store as the client benchmark drives it: the few calls its loop needs, so etcd and OrleansKv run
/// the identical loop (<see cref="ClientCaller"/>), preload and key and value sizes. A version is whatever the store
/// names a key's last write by (OrleansKv: the key's version; etcd: its mod_revision), and 0 means absent.
/// </summary>
internal interface IBenchStore : IAsyncDisposable
{
    /// <summary>"orleanskv" or "etcd", for the report.</summary>
    string System { get; }

    /// <summary>Where the calls go (the gateways or the etcd member), for the report.</summary>
    string Target { get; }

    /// <summary>Unconditional put; returns the key's new version.</summary>
    Task<ulong> PutAsync(byte[] key, byte[] value);

    /// <summary>Reads the key; true if it was found. Linearizable or stale (etcd: serializable).</summary>
    Task<bool> GetAsync(byte[] key, bool linearizable);

    /// <summary>Puts only if the key's version is <paramref name="expectedVersion"/>; returns whether it did and the key's version after.</summary>
    Task<(bool Succeeded, ulong Version)> CompareAndPutAsync(byte[] key, byte[] value, ulong expectedVersion);
}
