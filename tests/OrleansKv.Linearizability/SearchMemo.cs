using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OrleansKv.Linearizability;

/// <summary>
/// The configurations (linearized set, model state) the search has entered, used to skip configurations that cannot
/// lead anywhere new. That is what keeps the Wing &amp; Gong search tractable.
/// </summary>
/// <remarks>
/// A configuration is skipped when it was entered before, or when it is dominated by one that was fully explored
/// and failed: same completed operations, same state, and a subset of the unknown-outcome operations. The extra
/// unknown operations only add choices (each could equally have never taken effect), so anything that could
/// follow the dominated configuration could follow the failed one. Without this, an unknown operation that never
/// took effect would be retried, in every combination with the others, at every dead end for the rest of the history.
/// </remarks>
internal sealed class SearchMemo
{
    private readonly Dictionary<ConfigurationKey, Visit> _visits = new(ConfigurationKeyComparer.Instance);

    /// <summary>Number of configurations entered.</summary>
    public int Count { get; private set; }

    /// <summary>Records the configuration and returns its visit, or returns null if it should be skipped.</summary>
    public Visit? TryEnter(LinearizedSet set, in KvState state)
    {
        var (fullWords, window) = set.CompletedWindow();
        var probe = new ConfigurationKey(fullWords, window, set.CompletedHash, state);
        var unknown = set.UnknownSnapshot();

        ref var first = ref CollectionsMarshal.GetValueRefOrNullRef(_visits, probe);
        if (Unsafe.IsNullRef(ref first))
        {
            // New key: store it with its own copy of the window, since the probe points at live words.
            var created = new Visit(unknown, null);
            _visits.Add(probe with { Window = window.ToArray() }, created);
            Count++;
            return created;
        }

        for (var visit = first; visit is not null; visit = visit.Next)
        {
            if (IsSubset(visit.Unknown, unknown) && (visit.Finished || visit.Unknown.AsSpan().SequenceEqual(unknown)))
            {
                return null;
            }
        }

        first = new Visit(unknown, first);

        Count++;
        return first;
    }

    private static bool IsSubset(ulong[] subset, ulong[] superset)
    {
        for (var i = 0; i < subset.Length; i++)
        {
            if ((subset[i] & ~superset[i]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One entered configuration; <see cref="Finished"/> once the search has backtracked out of it (it failed).</summary>
    internal sealed class Visit(ulong[] unknown, Visit? next)
    {
        public ulong[] Unknown => unknown;

        public Visit? Next => next;

        public bool Finished { get; set; }
    }

    private readonly record struct ConfigurationKey(int FullWords, ReadOnlyMemory<ulong> Window, ulong CompletedHash, KvState State);

    private sealed class ConfigurationKeyComparer : IEqualityComparer<ConfigurationKey>
    {
        public static readonly ConfigurationKeyComparer Instance = new();

        public bool Equals(ConfigurationKey x, ConfigurationKey y) =>
            x.CompletedHash == y.CompletedHash
            && x.FullWords == y.FullWords
            && x.State.Equals(y.State)
            && x.Window.Span.SequenceEqual(y.Window.Span);

        public int GetHashCode(ConfigurationKey key)
        {
            var mixed = PolynomialHash.Mix(key.CompletedHash ^ key.State.HashCode64());
            return (int)(mixed ^ (mixed >> 32));
        }
    }
}
