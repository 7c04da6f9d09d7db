namespace OrleansKv.Grains;

/// <summary>The cluster as one silo described it.</summary>
/// <param name="Cluster">The Orleans cluster id.</param>
/// <param name="Silos">Every silo of the layout and whether the cluster's membership has it active now.</param>
/// <param name="Groups">Every replication group: its slots, replicas and leader.</param>
[GenerateSerializer, Immutable]
public sealed record ClusterView(
    [property: Id(0)] string Cluster,
    [property: Id(1)] IReadOnlyList<SiloView> Silos,
    [property: Id(2)] IReadOnlyList<GroupView> Groups);

/// <summary>A silo of the cluster's layout.</summary>
/// <param name="Name">The silo's name, which is also the name of every replica it hosts.</param>
/// <param name="Active">True if the membership lists the silo as active.</param>
/// <param name="Address">Its silo endpoint (host:port) while active, else empty.</param>
[GenerateSerializer, Immutable]
public sealed record SiloView(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Active,
    [property: Id(2)] string Address);

/// <summary>One replication group.</summary>
/// <param name="Replicas">The names of its replicas (the silos that host them).</param>
/// <param name="Leader">The name of its leader as the answering silo knows it, empty if unknown.</param>
/// <param name="SlotStart">First hash slot the group owns.</param>
/// <param name="SlotEnd">One past the last hash slot the group owns.</param>
/// <param name="Term">The Raft term of the answering silo's replica of the group (0 if it hosts none active):
/// a leader that keeps its term has kept its leadership.</param>
[GenerateSerializer, Immutable]
public sealed record GroupView(
    [property: Id(0)] uint Id,
    [property: Id(1)] IReadOnlyList<string> Replicas,
    [property: Id(2)] string Leader,
    [property: Id(3)] int SlotStart,
    [property: Id(4)] int SlotEnd,
    [property: Id(5)] ulong Term);
