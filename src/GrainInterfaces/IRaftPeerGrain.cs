using Orleans.Concurrency;
using OrleansKv.Contracts;
using OrleansKv.Raft;

namespace OrleansKv.Grains;

/// <summary>
/// One replica of one Raft group, pinned to the silo it is named after. Its key is the group
/// (integer part) and the replica's name (key extension); see <see cref="PeerKey"/>.
/// </summary>
/// <remarks>
/// Raft traffic is one-way: a lost or refused call is a lost message, which Raft retries. Client
/// requests are answered by the replica itself, within its request timeout, with a status
/// (NOT_LEADER with a hint, TIMEOUT when the outcome is unknown, ...); Orleans's response timeout
/// is only the backstop for a replica whose silo died while the call was in flight.
/// </remarks>
public interface IRaftPeerGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Raft messages from another replica of the group: one call per destination per Ready.</summary>
    [OneWay]
    Task Deliver(Message[] messages);

    /// <summary>A client request: a read or a write of one key of this group.</summary>
    [ResponseTimeout("00:00:10")]
    Task<KvResponse> Execute(KvRequest request);

    /// <summary>
    /// Several client requests in one call: a client sends the requests its callers issue at the
    /// same moment together. The answers come back in request order, each what
    /// <see cref="Execute"/> would have answered.
    /// </summary>
    [ResponseTimeout("00:00:10")]
    Task<KvResponse[]> ExecuteBatch(KvRequest[] requests);

    /// <summary>What this replica knows: its role, the leader, term and applied index.</summary>
    [ResponseTimeout("00:00:05")]
    Task<PeerStatus> GetStatus();

    /// <summary>If this replica leads, hands leadership to the most up-to-date voter. True if a transfer started.</summary>
    [ResponseTimeout("00:00:05")]
    Task<bool> TransferLeadershipAway();
}
