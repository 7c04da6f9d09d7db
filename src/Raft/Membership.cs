namespace OrleansKv.Raft;

/// <summary>
/// The set of voters (who elect leaders and count toward commit quorums) and learners (who only
/// receive the log). Immutable; ids are kept sorted so two equal memberships compare equal.
/// </summary>
public sealed class Membership : IEquatable<Membership>
{
    public static readonly Membership Empty = new([], []);

    private readonly ulong[] _voters;
    private readonly ulong[] _learners;

    public Membership(IEnumerable<ulong> voters, IEnumerable<ulong> learners)
    {
        _voters = voters.Distinct().Order().ToArray();
        _learners = learners.Distinct().Order().ToArray();
        foreach (var id in _voters)
        {
            if (id == 0) throw new ArgumentException("Node id 0 is reserved for 'none'.");
            if (Array.BinarySearch(_learners, id) >= 0)
                throw new ArgumentException($"Node {id} cannot be both a voter and a learner.");
        }
        if (Array.BinarySearch(_learners, 0UL) >= 0) throw new ArgumentException("Node id 0 is reserved for 'none'.");
    }

    public static Membership OfVoters(params ulong[] voters) => new(voters, []);

    public IReadOnlyList<ulong> Voters => _voters;
    public IReadOnlyList<ulong> Learners => _learners;

    public bool IsVoter(ulong id) => Array.BinarySearch(_voters, id) >= 0;
    public bool IsLearner(ulong id) => Array.BinarySearch(_learners, id) >= 0;
    public bool Contains(ulong id) => IsVoter(id) || IsLearner(id);

    /// <summary>Every member, voters first.</summary>
    public IEnumerable<ulong> All => _voters.Concat(_learners);

    /// <summary>How many voters make a majority.</summary>
    public int Quorum => _voters.Length / 2 + 1;

    /// <summary>The membership after one change, or an explanation of why the change is not allowed.</summary>
    public bool TryApply(MembershipChange change, out Membership result, out string? error)
    {
        result = this;
        error = null;
        var id = change.NodeId;
        if (id == 0) { error = "node id 0 is reserved"; return false; }
        switch (change.Kind)
        {
            case MembershipChangeKind.AddVoter:
                if (IsVoter(id)) { error = $"node {id} is already a voter"; return false; }
                result = new Membership(_voters.Append(id), _learners.Where(l => l != id));
                return true;
            case MembershipChangeKind.AddLearner:
                if (IsLearner(id)) { error = $"node {id} is already a learner"; return false; }
                if (IsVoter(id) && _voters.Length == 1) { error = "cannot demote the last voter"; return false; }
                result = new Membership(_voters.Where(v => v != id), _learners.Append(id));
                return true;
            case MembershipChangeKind.RemoveNode:
                if (!Contains(id)) { error = $"node {id} is not a member"; return false; }
                if (IsVoter(id) && _voters.Length == 1) { error = "cannot remove the last voter"; return false; }
                result = new Membership(_voters.Where(v => v != id), _learners.Where(l => l != id));
                return true;
            default:
                error = $"unknown membership change {change.Kind}";
                return false;
        }
    }

    /// <summary>Compact binary form stored in membership entries and snapshot metadata.</summary>
    public byte[] Encode()
    {
        var buffer = new byte[8 + 8 * (_voters.Length + _learners.Length)];
        var span = buffer.AsSpan();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span, _voters.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[4..], _learners.Length);
        var offset = 8;
        foreach (var id in _voters.Concat(_learners))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], id);
            offset += 8;
        }
        return buffer;
    }

    public static Membership Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8) throw new FormatException("membership record is truncated");
        var voters = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data);
        var learners = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        if (voters < 0 || learners < 0 || data.Length != 8 + 8L * (voters + learners))
            throw new FormatException("membership record has the wrong length");
        var ids = new ulong[voters + learners];
        for (var i = 0; i < ids.Length; i++)
            ids[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data[(8 + 8 * i)..]);
        return new Membership(ids[..voters], ids[voters..]);
    }

    public bool Equals(Membership? other) =>
        other is not null && _voters.AsSpan().SequenceEqual(other._voters) && _learners.AsSpan().SequenceEqual(other._learners);

    public override bool Equals(object? obj) => Equals(obj as Membership);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var v in _voters) hash.Add(v);
        hash.Add(-1);
        foreach (var l in _learners) hash.Add(l);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"voters=[{string.Join(",", _voters)}]" + (_learners.Length > 0 ? $" learners=[{string.Join(",", _learners)}]" : "");
}
