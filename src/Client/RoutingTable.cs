using OrleansKv.Contracts;
using OrleansKv.Grains;

namespace OrleansKv.Client;

/// <summary>
/// The client's cached view of the cluster: which group owns each hash slot, which replicas each
/// group has, and the leader last reported or hinted. Updated from cluster views and NOT_LEADER
/// hints; safe to use from many threads.
/// </summary>
internal sealed class RoutingTable
{
    private readonly object _gate = new();
    private readonly Dictionary<uint, string[]> _replicas = [];
    private readonly Dictionary<uint, string> _leaders = [];
    private readonly HashSet<string> _inactive = [];
    private (int Start, int End, uint Group)[] _slots = [];

    public bool IsEmpty => Volatile.Read(ref _slots).Length == 0;

    public void Update(ClusterView view)
    {
        lock (_gate)
        {
            _inactive.Clear();
            foreach (var silo in view.Silos) if (!silo.Active) _inactive.Add(silo.Name);
            var slots = new List<(int, int, uint)>();
            foreach (var group in view.Groups)
            {
                _replicas[group.Id] = [.. group.Replicas];
                if (group.Leader.Length > 0) _leaders[group.Id] = group.Leader;
                slots.Add((group.SlotStart, group.SlotEnd, group.Id));
            }
            _slots = [.. slots];
        }
    }

    /// <summary>The group that owns the key's hash slot, or null if the view has none.</summary>
    public uint? GroupOf(ReadOnlySpan<byte> key)
    {
        var slot = HashSlot.Of(key);
        foreach (var (start, end, group) in Volatile.Read(ref _slots)) if (slot >= start && slot < end) return group;
        return null;
    }

    /// <summary>The replica believed to lead <paramref name="group"/>; without one, any replica (it answers with a hint).</summary>
    public string? LeaderOf(uint group, Random random)
    {
        lock (_gate) return _leaders.TryGetValue(group, out var leader) ? leader : AnyReplicaLocked(group, random);
    }

    public string? AnyReplicaOf(uint group, Random random)
    {
        lock (_gate) return AnyReplicaLocked(group, random);
    }

    // Replicas on silos the membership lists as active first: a call to the others fails anyway.
    private string? AnyReplicaLocked(uint group, Random random)
    {
        if (!_replicas.TryGetValue(group, out var replicas) || replicas.Length == 0) return null;
        var active = replicas.Where(r => !_inactive.Contains(r)).ToArray();
        var pool = active.Length > 0 ? active : replicas;
        return pool[random.Next(pool.Length)];
    }

    /// <summary>Records a leader hint; true if it changed what the client believed.</summary>
    public bool SetLeader(uint group, string leader)
    {
        lock (_gate)
        {
            var changed = !_leaders.TryGetValue(group, out var known) || known != leader;
            _leaders[group] = leader;
            _inactive.Remove(leader);
            return changed;
        }
    }

    /// <summary>The replica did not answer: stop sending to it as the leader, and prefer others until the next view.</summary>
    public void MarkUnreachable(uint group, string replica)
    {
        lock (_gate)
        {
            if (_leaders.TryGetValue(group, out var leader) && leader == replica) _leaders.Remove(group);
            _inactive.Add(replica);
        }
    }

    /// <summary>The replica answered but does not lead and knows no leader.</summary>
    public void ForgetLeader(uint group, string replica)
    {
        lock (_gate)
        {
            if (_leaders.TryGetValue(group, out var leader) && leader == replica) _leaders.Remove(group);
        }
    }
}
