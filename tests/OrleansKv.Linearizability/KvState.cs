namespace OrleansKv.Linearizability;

/// <summary>
/// The model's view of one key: its value (null = absent) and what is known about its version.
/// A small immutable struct so that memoising (linearized set, state) pairs is cheap.
/// </summary>
/// <remarks>
/// When <see cref="VersionKnown"/> is true, <see cref="Version"/> is the exact version of the present value.
/// Otherwise the version is a wildcard (written by an operation that did not report it, or whose outcome is unknown,
/// or the key is absent) and <see cref="Version"/> is an exclusive lower bound: the current version, if present, and
/// every later write's version are greater. A later observed version pins the wildcard down. A wildcard may also
/// carry <see cref="Excluded"/> versions it cannot be. Versions are compared only by order, never by distance,
/// so a wildcard always has room between its bound and the next write's version.
/// </remarks>
internal readonly struct KvState : IEquatable<KvState>
{
    public static readonly KvState Initial = new(null, 0, versionKnown: false);

    public KvState(KvValue? value, long version, bool versionKnown, VersionExclusions? excluded = null)
    {
        Value = value;
        Version = version;

        // Absent keys have no version of their own, only a floor; normalising keeps equal states equal.
        VersionKnown = versionKnown && value is not null;
        Excluded = VersionKnown || value is null ? null : excluded;
    }

    public KvValue? Value { get; }

    public long Version { get; }

    public bool VersionKnown { get; }

    /// <summary>Versions a wildcard version is known not to equal; null if none (always null unless present with a wildcard).</summary>
    public VersionExclusions? Excluded { get; }

    public bool IsPresent => Value is not null;

    public bool Equals(KvState other) =>
        Version == other.Version
        && VersionKnown == other.VersionKnown
        && VersionExclusions.AreEqual(Excluded, other.Excluded)
        && (ReferenceEquals(Value, other.Value) || (Value is not null && other.Value is not null && Value.ContentEquals(other.Value)));

    public override bool Equals(object? obj) => obj is KvState other && Equals(other);

    public override int GetHashCode() => (int)HashCode64();

    public ulong HashCode64()
    {
        var valueHash = Value is null ? 0x5BD1E995UL : Value.Hash ^ (ulong)Value.Length;
        var versionHash = PolynomialHash.Mix((ulong)Version ^ (VersionKnown ? 0x8000_0000_0000_0000UL : 0) ^ (Excluded?.Hash ?? 0));
        return PolynomialHash.Mix(valueHash ^ versionHash);
    }

    public override string ToString()
    {
        if (Value is null)
        {
            return Version == 0 ? "absent" : $"absent (later writes get versions > v{Version})";
        }

        var version = VersionKnown ? $"v{Version}"
            : Excluded is null ? $"version unknown (> v{Version})"
            : $"version unknown (> v{Version}, not {Excluded})";
        var value = Value.IsUnobservable ? Value.ToString() : KvCommand.Quote(Value.ToString());
        return $"{value} {version}";
    }
}
