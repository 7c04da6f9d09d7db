using OrleansKv.Contracts;
using OrleansKv.Replica;

namespace OrleansKv.Grains;

/// <summary>
/// Which replicas each replication group has, and which hash slots it owns: computed the same way
/// on every silo from the same settings (the silos' names, the number of groups, the replication
/// factor). Group g (1-based) has its replicas on the ReplicationFactor silos that follow silo
/// g-1 in the listed order, and owns an even share of the slots. Group 0 is reserved for the
/// shard controller.
/// </summary>
public sealed class ClusterLayout
{
    private readonly GroupLayout[] _groups;
    private readonly IReadOnlyDictionary<ulong, string> _namesById;

    /// <param name="silos">The names of the cluster's silos; every replica is named after the silo that hosts it.</param>
    public ClusterLayout(IReadOnlyList<string> silos, int groups, int replicationFactor)
    {
        if (silos.Count == 0) throw new ArgumentException("the layout needs at least one silo", nameof(silos));
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        _namesById = ReplicaId.Map(silos);
        Silos = [.. silos];
        var replicas = Math.Min(replicationFactor, silos.Count);
        _groups = new GroupLayout[groups];
        for (var g = 0; g < groups; g++)
        {
            var names = new string[replicas];
            for (var i = 0; i < replicas; i++) names[i] = silos[(g + i) % silos.Count];
            _groups[g] = new GroupLayout((uint)(g + 1), names,
                (int)((long)g * HashSlot.Count / groups), (int)((long)(g + 1) * HashSlot.Count / groups));
        }
    }

    /// <summary>The silos' names, in the order the settings list them.</summary>
    public IReadOnlyList<string> Silos { get; }

    public IReadOnlyList<GroupLayout> Groups => _groups;

    /// <summary>Names of the replicas by Raft node id.</summary>
    public IReadOnlyDictionary<ulong, string> NamesById => _namesById;

    /// <summary>The group with id <paramref name="group"/>, or null.</summary>
    public GroupLayout? Group(uint group) => group >= 1 && group <= _groups.Length ? _groups[group - 1] : null;

    /// <summary>The groups that have a replica on the silo named <paramref name="silo"/>.</summary>
    public IEnumerable<GroupLayout> GroupsOn(string silo) => _groups.Where(g => g.Replicas.Contains(silo));

    /// <summary>The name of the replica with Raft node id <paramref name="id"/>, or null.</summary>
    public string? NameOf(ulong id) => _namesById.GetValueOrDefault(id);
}

/// <summary>One group of a <see cref="ClusterLayout"/>: its replicas (silo names) and its slots [SlotStart, SlotEnd).</summary>
public sealed record GroupLayout(uint Id, IReadOnlyList<string> Replicas, int SlotStart, int SlotEnd)
{
    /// <summary>The replicas' Raft node ids, the group's voters when it is first created.</summary>
    public IReadOnlyList<ulong> VoterIds { get; } = [.. Replicas.Select(ReplicaId.Of)];
}
