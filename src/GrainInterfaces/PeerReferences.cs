using System.Collections.Concurrent;

namespace OrleansKv.Grains;

/// <summary>
/// Grain references to peer grains, made once per (group, replica) and kept: building one formats
/// the compound key and looks up the proxy type, which would otherwise happen on every request
/// and every Ready. Thread-safe.
/// </summary>
public sealed class PeerReferences(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<(uint Group, string Replica), IRaftPeerGrain> _references = new();

    /// <summary>The peer grain of <paramref name="replica"/> in <paramref name="group"/>.</summary>
    public IRaftPeerGrain Of(uint group, string replica) =>
        _references.TryGetValue((group, replica), out var reference)
            ? reference
            : _references.GetOrAdd((group, replica), key => grains.Peer(key.Group, key.Replica));
}
