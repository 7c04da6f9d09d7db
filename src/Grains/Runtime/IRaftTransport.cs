using OrleansKv.Raft;

namespace OrleansKv.Grains.Runtime;

/// <summary>
/// Grain calls from a Raft peer grain to the peer grains of the same group on other silos.
/// Raft node ids are silo ids: a silo hosts at most one replica of a group.
/// Sending never blocks and may drop (a full queue, a broken connection): Raft retries.
/// </summary>
public interface IRaftTransport
{
    void Send(uint group, Message message);
}
