namespace OrleansKv.Clustering;

/// <summary>
/// Where the file-based membership table lives and how long its users wait for each other.
/// Silos (<see cref="FileMembershipTable"/>) and clients (<see cref="FileGatewayListProvider"/>)
/// of one cluster must name the same <see cref="Directory"/>.
/// </summary>
public sealed class FileClusteringOptions
{
    /// <summary>
    /// The folder holding the table, one file per cluster id. Required. Created on first use.
    /// Must be on a local file system: the cross-process lock is an advisory file lock.
    /// </summary>
    public string Directory { get; set; } = "";

    /// <summary>
    /// How long one table operation waits for the cross-process lock before it fails with a
    /// <see cref="TimeoutException"/>. Every holder keeps the lock for one read-modify-write of
    /// a small file (milliseconds), so waiting long means a process is stuck, not busy.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often an Orleans client re-reads the gateway list (also its
    /// <see cref="Orleans.Messaging.IGatewayListProvider.MaxStaleness"/>). Reading is one small
    /// local file, so a few seconds costs nothing and lets clients see new silos quickly.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);
}
