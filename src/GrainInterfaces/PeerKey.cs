namespace OrleansKv.Grains;

/// <summary>How a replica is named as a grain: the group is the integer key, the replica's name the key extension.</summary>
public static class PeerKey
{
    /// <summary>The peer grain of <paramref name="replica"/> in <paramref name="group"/>.</summary>
    public static IRaftPeerGrain Peer(this IGrainFactory grains, uint group, string replica) =>
        grains.GetGrain<IRaftPeerGrain>(group, replica, grainClassNamePrefix: null);

    /// <summary>Reads a peer grain's id back: false if it is not of the form the peer grains use.</summary>
    public static bool TryParse(GrainId id, out uint group, out string replica)
    {
        group = 0;
        replica = "";
        if (!id.TryGetIntegerKey(out var key, out var extension) || key < 1 || key > uint.MaxValue || string.IsNullOrEmpty(extension)) return false;
        group = (uint)key;
        replica = extension;
        return true;
    }
}
