using System.Collections.Concurrent;
using OrleansKv.Replica;
using OrleansKv.Replica.Peer;

namespace OrleansKv.Grains;

/// <summary>
/// The peers active on this silo, by group: what the cluster view, the readiness probe and the
/// shutdown hand-off read. Only thread-safe members of <see cref="RaftPeer"/> are read from here.
/// </summary>
public sealed class LocalPeers
{
    private readonly ConcurrentDictionary<uint, RaftPeer> _peers = new();

    internal void Add(uint group, RaftPeer peer) => _peers[group] = peer;

    internal void Remove(uint group, RaftPeer peer) => _peers.TryRemove(new KeyValuePair<uint, RaftPeer>(group, peer));

    /// <summary>The groups with a peer active here.</summary>
    public IReadOnlyCollection<uint> Groups => [.. _peers.Keys];

    /// <summary>The node id of the leader the peer of <paramref name="group"/> here last heard of; 0 if none, or no peer here.</summary>
    public ulong KnownLeaderOf(uint group) => _peers.TryGetValue(group, out var peer) ? peer.KnownLeader : 0;

    /// <summary>The leader (node id, 0 if none) the peer of <paramref name="group"/> here last heard of, and its term; null if no peer here.</summary>
    public Leadership? LeadershipOf(uint group) => _peers.TryGetValue(group, out var peer) ? peer.KnownLeadership : null;
}
