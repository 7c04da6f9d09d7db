using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// A fresh clustering directory under the system temp folder, removed with its contents on
/// dispose, and the tables and gateway lists on it built as dependency injection would build them.
/// Two tables made here for one cluster id share one file, as two silo processes would.
/// </summary>
internal sealed class TableDirectory : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TableDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orleanskv-clustering-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's absolute path.</summary>
    public string Path { get; }

    /// <summary>A table for <paramref name="clusterId"/> in this folder.</summary>
    public FileMembershipTable CreateTable(string clusterId, TimeSpan? lockTimeout = null) => new(
        Options.Create(Configure(lockTimeout)),
        Options.Create(Cluster(clusterId)),
        NullLogger<FileMembershipTable>.Instance);

    /// <summary>A gateway list provider reading <paramref name="clusterId"/>'s table in this folder.</summary>
    public FileGatewayListProvider CreateGatewayList(string clusterId) => new(
        Options.Create(Configure(null)),
        Options.Create(Cluster(clusterId)));

    /// <summary>The files a table for <paramref name="clusterId"/> uses, to inspect or tamper with.</summary>
    public MembershipTableFile Files(string clusterId) => new(Path, clusterId, TimeSpan.FromSeconds(10));

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: a test removed it on purpose.
        }
    }

    private FileClusteringOptions Configure(TimeSpan? lockTimeout)
    {
        var options = new FileClusteringOptions { Directory = Path };
        if (lockTimeout is { } timeout)
        {
            options.LockTimeout = timeout;
        }

        return options;
    }

    private static ClusterOptions Cluster(string clusterId) => new() { ClusterId = clusterId, ServiceId = "tests" };
}
