using System.Collections.Concurrent;
using OrleansKv.Grains;

namespace OrleansKv.Client;

/// <summary>One <see cref="ReplicaCallQueue"/> per (group, replica) this client talks to, made on first use and kept. Thread-safe.</summary>
internal sealed class ReplicaCallQueues(PeerReferences peers)
{
    private readonly ConcurrentDictionary<(uint Group, string Replica), ReplicaCallQueue> _queues = new();

    /// <summary>The queue of calls to <paramref name="replica"/> of <paramref name="group"/>.</summary>
    public ReplicaCallQueue Of(uint group, string replica) =>
        _queues.TryGetValue((group, replica), out var queue)
            ? queue
            : _queues.GetOrAdd((group, replica), key => new ReplicaCallQueue(peers.Of(key.Group, key.Replica)));
}
