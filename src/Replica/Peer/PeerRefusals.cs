using OrleansKv.Contracts;
using OrleansKv.Raft;

namespace OrleansKv.Replica.Peer;

/// <summary>
/// The answers a replica gives to a client request it cannot (or can no longer) carry out: a
/// NOT_LEADER with the leader's id and name when it knows who leads, else a retryable UNAVAILABLE
/// (no leader, storage behind, or the core dropped the proposal).
/// </summary>
internal sealed class PeerRefusals(PeerOptions options, RaftNode node)
{
    private uint GroupId => options.GroupId;

    public KvResponse NotLeader()
    {
        var leader = node.Leader;
        return leader == 0 || leader == node.Id
            ? PendingRequests.Retry(KvStatus.Unavailable, $"group {GroupId} has no leader right now")
            : new KvResponse { Status = KvStatus.NotLeader, LeaderHint = leader, LeaderName = NameOf(leader), Message = $"{NameOf(leader)} leads group {GroupId}" };
    }

    public KvResponse BackedUp() =>
        PendingRequests.Retry(KvStatus.Unavailable, $"group {GroupId}: the replica's storage is behind; nothing was written, retry shortly");

    public KvResponse Refused(ProposalResult result) => result.Reason switch
    {
        DropReason.NotLeader or DropReason.NotMember when result.Leader != 0 && result.Leader != node.Id =>
            new KvResponse { Status = KvStatus.NotLeader, LeaderHint = result.Leader, LeaderName = NameOf(result.Leader), Message = result.ToString() },
        _ => PendingRequests.Retry(KvStatus.Unavailable, $"group {GroupId}: {result}"),
    };

    private string NameOf(ulong replica) => options.ReplicaNames.TryGetValue(replica, out var name) ? name : $"replica {replica}";
}
