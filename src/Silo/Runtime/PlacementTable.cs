using OrleansKv.Contracts;
using OrleansKv.Silo.Configuration;

namespace OrleansKv.Silo.Runtime;

/// <summary>
/// Which silos host which group's replicas, and which hash slots each group owns. Computed the
/// same way on every silo from the shared configuration: group g (1-based) is placed on
/// ReplicationFactor consecutive silos starting at silo index g-1, and owns an even share of slots.
/// Group 0 is reserved for the shard controller.
/// </summary>
public sealed class PlacementTable
{
    public sealed record GroupPlacement(uint Group, IReadOnlyList<ulong> Replicas, int SlotStart, int SlotEnd);

    private readonly GroupPlacement[] _groups;

    public PlacementTable(IReadOnlyList<SiloEndpoint> silos, int groups, int replicationFactor)
    {
        var ids = silos.Select(s => s.Id).Order().ToArray();
        var replicas = Math.Min(replicationFactor, ids.Length);
        _groups = new GroupPlacement[groups];
        for (var g = 0; g < groups; g++)
        {
            var placed = new ulong[replicas];
            for (var i = 0; i < replicas; i++) placed[i] = ids[(g + i) % ids.Length];
            Array.Sort(placed);
            _groups[g] = new GroupPlacement((uint)(g + 1), placed,
                (int)((long)g * HashSlot.Count / groups), (int)((long)(g + 1) * HashSlot.Count / groups));
        }
    }

    public IReadOnlyList<GroupPlacement> Groups => _groups;

    public IEnumerable<GroupPlacement> PlacedOn(ulong silo) => _groups.Where(g => g.Replicas.Contains(silo));

    public GroupPlacement ForSlot(int slot)
    {
        foreach (var group in _groups) if (slot >= group.SlotStart && slot < group.SlotEnd) return group;
        throw new ArgumentOutOfRangeException(nameof(slot));
    }
}
