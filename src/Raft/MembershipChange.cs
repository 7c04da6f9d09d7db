namespace OrleansKv.Raft;

public enum MembershipChangeKind
{
    /// <summary>Add a voter, or promote a learner to voter.</summary>
    AddVoter,

    /// <summary>Add a learner, or demote a voter to learner.</summary>
    AddLearner,

    /// <summary>Remove a voter or learner.</summary>
    RemoveNode,
}

/// <summary>
/// One membership change. OrleansKv changes membership one server at a time (Raft thesis §4.1):
/// any two memberships that differ by one voter have overlapping majorities, so no joint phase is needed.
/// </summary>
public readonly record struct MembershipChange(MembershipChangeKind Kind, ulong NodeId)
{
    public static MembershipChange AddVoter(ulong id) => new(MembershipChangeKind.AddVoter, id);
    public static MembershipChange AddLearner(ulong id) => new(MembershipChangeKind.AddLearner, id);
    public static MembershipChange Remove(ulong id) => new(MembershipChangeKind.RemoveNode, id);
}
