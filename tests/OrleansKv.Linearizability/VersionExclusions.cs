namespace OrleansKv.Linearizability;

/// <summary>
/// Versions an unreported (wildcard) version is known not to be: a CompareAndSet was rejected while expecting
/// them, without saying what the version was. Immutable and sorted; rare enough that copying on add is fine.
/// </summary>
internal sealed class VersionExclusions : IEquatable<VersionExclusions>
{
    private readonly long[] _sorted;

    private VersionExclusions(long[] sorted)
    {
        _sorted = sorted;
        ulong hash = 0x51ED27;
        foreach (var version in sorted)
        {
            hash = PolynomialHash.Mix(hash ^ (ulong)version);
        }

        Hash = hash;
    }

    public ulong Hash { get; }

    public static bool Contains(VersionExclusions? set, long version) => set is not null && Array.BinarySearch(set._sorted, version) >= 0;

    public static VersionExclusions With(VersionExclusions? set, long version)
    {
        if (set is null)
        {
            return new VersionExclusions([version]);
        }

        var position = ~Array.BinarySearch(set._sorted, version);
        var sorted = new long[set._sorted.Length + 1];
        set._sorted.AsSpan(0, position).CopyTo(sorted);
        sorted[position] = version;
        set._sorted.AsSpan(position).CopyTo(sorted.AsSpan(position + 1));
        return new VersionExclusions(sorted);
    }

    public static bool AreEqual(VersionExclusions? x, VersionExclusions? y) => ReferenceEquals(x, y) || (x is not null && x.Equals(y));

    public bool Equals(VersionExclusions? other) => other is not null && Hash == other.Hash && _sorted.AsSpan().SequenceEqual(other._sorted);

    public override bool Equals(object? obj) => Equals(obj as VersionExclusions);

    public override int GetHashCode() => (int)Hash;

    public override string ToString() => string.Join(", ", _sorted.Select(v => $"v{v}"));
}
