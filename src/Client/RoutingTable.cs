using OrleansKv.Contracts;

namespace OrleansKv.Client;

/// <summary>A silo to send to: its id and its framed endpoint.</summary>
internal sealed record SiloAddress(ulong Id, string Address);

/// <summary>
/// The client's cached view of the cluster: which group owns each hash slot, which silos host
/// each group, and the leader last seen or hinted. Updated from cluster-info answers and
/// NOT_LEADER hints; safe to use from many threads.
/// </summary>
internal sealed class RoutingTable
{
    public const uint UnknownGroup = 0;

    private readonly object _gate = new();
    private readonly Dictionary<ulong, string> _silos = [];
    private readonly Dictionary<uint, ulong[]> _replicas = [];
    private readonly Dictionary<uint, ulong> _leaders = [];
    private (int Start, int End, uint Group)[] _slots = [];

    public void Update(ClusterInfo info)
    {
        lock (_gate)
        {
            foreach (var silo in info.Silos) _silos[silo.Id] = silo.Address;
            var slots = new List<(int, int, uint)>();
            foreach (var group in info.Groups)
            {
                _replicas[group.Id] = [.. group.Replicas];
                if (group.Leader != 0) _leaders[group.Id] = group.Leader;
                slots.Add(((int)group.SlotStart, (int)group.SlotEnd, group.Id));
            }
            _slots = [.. slots];
        }
    }

    public uint? GroupOf(ReadOnlySpan<byte> key)
    {
        var slot = HashSlot.Of(key);
        var slots = Volatile.Read(ref _slots);
        foreach (var (start, end, group) in slots) if (slot >= start && slot < end) return group;
        return null;
    }

    public SiloAddress? LeaderOf(uint group)
    {
        lock (_gate)
        {
            if (_leaders.TryGetValue(group, out var leader) && _silos.TryGetValue(leader, out var address)) return new SiloAddress(leader, address);
            // No leader known: ask any replica; it answers with a hint or UNAVAILABLE.
            return AnyReplicaLocked(group, Random.Shared);
        }
    }

    public SiloAddress? AnyReplicaOf(uint group, Random random)
    {
        lock (_gate) return AnyReplicaLocked(group, random);
    }

    private SiloAddress? AnyReplicaLocked(uint group, Random random)
    {
        if (!_replicas.TryGetValue(group, out var replicas) || replicas.Length == 0) return null;
        var silo = replicas[random.Next(replicas.Length)];
        return _silos.TryGetValue(silo, out var address) ? new SiloAddress(silo, address) : null;
    }

    /// <summary>Records a leader hint; true if it changed what the client believed.</summary>
    public bool SetLeader(uint group, ulong leader, string address)
    {
        lock (_gate)
        {
            _silos[leader] = address;
            var changed = !_leaders.TryGetValue(group, out var known) || known != leader;
            _leaders[group] = leader;
            return changed;
        }
    }

    public void ForgetLeader(uint group, SiloAddress silo)
    {
        lock (_gate)
        {
            if (_leaders.TryGetValue(group, out var leader) && leader == silo.Id) _leaders.Remove(group);
        }
    }

    /// <summary>Every silo address known, seeds first, to ask for the cluster's shape.</summary>
    public List<string> KnownAddresses(IReadOnlyList<string> seeds)
    {
        var addresses = new List<string>(seeds);
        lock (_gate)
            foreach (var address in _silos.Values)
                if (!addresses.Contains(address)) addresses.Add(address);
        return addresses;
    }
}
