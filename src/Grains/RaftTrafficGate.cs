namespace OrleansKv.Grains;

/// <summary>
/// A test fault: while <see cref="IsIsolated"/> is set, this silo's peers neither send nor accept
/// Raft messages, as if a network partition had cut the silo off from its peers. Orleans's own
/// traffic (membership probes) still flows, so the silo is not declared dead.
/// </summary>
public sealed class RaftTrafficGate
{
    private volatile bool _isolated;

    public bool IsIsolated
    {
        get => _isolated;
        set => _isolated = value;
    }
}
