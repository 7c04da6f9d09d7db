using System.Text;

namespace OrleansKv.Linearizability;

/// <summary>
/// An immutable key value inside the model, stored as a chain of appended segments so that an Append shares its
/// prefix with the previous state instead of copying it: the search keeps thousands of states alive at once.
/// Length and hash are cached, so equality and matching an observed read are usually O(1) to reject.
/// </summary>
internal sealed class KvValue
{
    private KvValue(KvValue? prefix, string segment, int length, ulong hash)
    {
        Prefix = prefix;
        Segment = segment;
        Length = length;
        Hash = hash;
    }

    /// <summary>
    /// Stands for any value containing text, written by an unknown-outcome operation, that no read still to be
    /// linearized observed: no read can match it until it is overwritten, so all such values behave alike and are
    /// merged, which keeps unknown-outcome writes in different orders from looking like different states.
    /// </summary>
    public static readonly KvValue Unobservable = new(null, "", -1, 0xDEADBEEFUL);

    /// <summary>The value before the last append, or null for a value written whole.</summary>
    public KvValue? Prefix { get; }

    public string Segment { get; }

    public int Length { get; }

    public ulong Hash { get; }

    public static KvValue Of(string text) => new(null, text, text.Length, PolynomialHash.Of(text).Hash);

    public bool IsUnobservable => ReferenceEquals(this, Unobservable);

    public KvValue Append(string suffix, ulong suffixHash, ulong suffixShift) => IsUnobservable
        ? this
        : new(this, suffix, checked(Length + suffix.Length), PolynomialHash.Concat(Hash, suffixHash, suffixShift));

    /// <summary>Whether this value spells <paramref name="text"/>, whose polynomial hash is <paramref name="textHash"/>.</summary>
    public bool Matches(string text, ulong textHash)
    {
        if (Length != text.Length || Hash != textHash)
        {
            return false;
        }

        // Walk the segments from the end, comparing each against the matching slice of the text.
        var end = text.Length;
        for (var node = this; node is not null; node = node.Prefix)
        {
            var start = end - node.Segment.Length;
            if (!text.AsSpan(start, node.Segment.Length).SequenceEqual(node.Segment))
            {
                return false;
            }

            end = start;
        }

        return true;
    }

    public bool ContentEquals(KvValue other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        // Different chains with the same hash are rare (same text reached by different writes); compare the text.
        return Length == other.Length && Hash == other.Hash && Matches(other.ToString(), other.Hash);
    }

    public override string ToString()
    {
        if (IsUnobservable)
        {
            return "<a value no read observed, from an unknown-outcome write>";
        }

        if (Prefix is null)
        {
            return Segment;
        }

        var segments = new Stack<string>();
        for (var node = this; node is not null; node = node.Prefix)
        {
            segments.Push(node.Segment);
        }

        var builder = new StringBuilder(Length);
        foreach (var segment in segments)
        {
            builder.Append(segment);
        }

        return builder.ToString();
    }
}
