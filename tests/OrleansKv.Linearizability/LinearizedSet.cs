namespace OrleansKv.Linearizability;

/// <summary>
/// The set of operations linearized so far, kept as two bitsets: completed operations and unknown-outcome ones.
/// </summary>
/// <remarks>
/// Completed operations are numbered in call order and the search linearizes them roughly in that order, so their
/// bitset is a run of full words, a short window of mixed words, then zeros: a memo entry only stores the window.
/// The hash of the completed part is the XOR of a random key per member (Zobrist hashing), updated in O(1).
/// Unknown-outcome operations linearize rarely and out of order; their (short) bitset is snapshotted only when it
/// changes, so consecutive memo entries share one copy.
/// </remarks>
internal sealed class LinearizedSet
{
    private static readonly ulong[] NoWords = [];

    private readonly int[] _slot;
    private readonly bool[] _isUnknown;
    private readonly ulong[] _completed;
    private readonly ulong[] _unknown;
    private readonly ulong[] _memberKeys;
    private ulong[]? _unknownSnapshot = NoWords;

    public LinearizedSet(IReadOnlyList<PreparedOperation> operations)
    {
        var count = operations.Count;
        _slot = new int[count];
        _isUnknown = new bool[count];
        _memberKeys = new ulong[count];
        int completed = 0, unknown = 0;
        for (var op = 0; op < count; op++)
        {
            _isUnknown[op] = operations[op].IsOutcomeUnknown;
            _slot[op] = _isUnknown[op] ? unknown++ : completed++;
            _memberKeys[op] = PolynomialHash.Mix((ulong)op * 0x9E3779B97F4A7C15UL);
        }

        _completed = new ulong[(completed + 63) / 64];
        _unknown = unknown == 0 ? NoWords : new ulong[(unknown + 63) / 64];
    }

    /// <summary>Hash of the completed members only (the unknown part is compared separately, by inclusion).</summary>
    public ulong CompletedHash { get; private set; }

    public bool Contains(int operation)
    {
        var slot = _slot[operation];
        var words = _isUnknown[operation] ? _unknown : _completed;
        return (words[slot >> 6] & (1UL << (slot & 63))) != 0;
    }

    public void Add(int operation) => Toggle(operation, set: true);

    public void Remove(int operation) => Toggle(operation, set: false);

    /// <summary>
    /// The completed bitset as (number of leading full words, the words after them up to the last non-zero one).
    /// The memory refers to live words: copy it to keep it.
    /// </summary>
    public (int FullWords, ReadOnlyMemory<ulong> Window) CompletedWindow()
    {
        var words = _completed.AsSpan();
        var full = words.IndexOfAnyExcept(ulong.MaxValue);
        if (full < 0)
        {
            return (words.Length, ReadOnlyMemory<ulong>.Empty);
        }

        var last = words.LastIndexOfAnyExcept(0UL);
        return (full, last < full ? ReadOnlyMemory<ulong>.Empty : _completed.AsMemory(full, last - full + 1));
    }

    /// <summary>An immutable copy of the unknown-outcome members, shared until they change.</summary>
    public ulong[] UnknownSnapshot() => _unknownSnapshot ??= (ulong[])_unknown.Clone();

    private void Toggle(int operation, bool set)
    {
        var slot = _slot[operation];
        var words = _isUnknown[operation] ? _unknown : _completed;
        var bit = 1UL << (slot & 63);
        if (set)
        {
            words[slot >> 6] |= bit;
        }
        else
        {
            words[slot >> 6] &= ~bit;
        }

        if (_isUnknown[operation])
        {
            _unknownSnapshot = null;
        }
        else
        {
            CompletedHash ^= _memberKeys[operation];
        }
    }
}
