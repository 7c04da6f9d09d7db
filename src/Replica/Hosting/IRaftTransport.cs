using OrleansKv.Raft;

namespace OrleansKv.Replica.Hosting;

/// <summary>
/// How a <see cref="RaftPeer"/> reaches the other replicas of its group. In a silo these are
/// one-way grain calls to the peer grains of the group, one batch per destination per Ready.
/// Sending never blocks and may lose messages (a replica's silo is down): Raft retries.
/// </summary>
public interface IRaftTransport
{
    /// <summary>Sends a Ready's messages; each goes to the replica named by its <see cref="Message.To"/>.</summary>
    void Send(uint group, IReadOnlyList<Message> messages);
}
