namespace OrleansKv.Grains;

/// <summary>
/// The cluster's shape as the silo that answers sees it: which group owns which hash slots,
/// which replicas each group has and which one leads. A stateless worker: every silo answers
/// from its own configuration and its own replicas, so asking never leaves the silo (for an
/// external client, the gateway silo answers).
/// </summary>
public interface IClusterViewGrain : IGrainWithIntegerKey
{
    Task<ClusterView> GetView();
}
