using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// The table shared by real, separate processes (copies of this assembly, see
/// <see cref="ChildProcessProgram"/>): conditional writes from several processes lose nothing,
/// and a silo process killed with SIGKILL is declared dead by the survivor through the table.
/// </summary>
public sealed class MultiProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private readonly TableDirectory directory = new();
    private readonly string clusterId = "processes-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ITestOutputHelper output;

    /// <summary>Creates the test with xunit's output, where the kill test reports its timing.</summary>
    public MultiProcessTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();

    /// <summary>
    /// Adds <paramref name="count"/> to the UpdateZone of <paramref name="silo"/>'s row, one
    /// optimistic read-modify-write at a time, retrying each refused write with a fresh read.
    /// </summary>
    internal static async Task IncrementAsync(string directory, string clusterId, SiloAddress silo, int count)
    {
        var table = new FileMembershipTable(
            Options.Create(new FileClusteringOptions { Directory = directory }),
            Options.Create(new ClusterOptions { ClusterId = clusterId }),
            NullLogger<FileMembershipTable>.Instance);
        for (var done = 0; done < count;)
        {
            var data = await table.ReadRowAsync(silo);
            var (row, etag) = data.Members[0];
            row.UpdateZone++;
            if (await table.UpdateRowAsync(row, etag, data.Version.Next()))
            {
                done++;
            }
        }
    }

    [Fact]
    public async Task Three_processes_incrementing_one_row_through_the_file_lose_no_update()
    {
        const int perProcess = 30;
        var table = directory.CreateTable(clusterId);
        await table.InitializeMembershipTableAsync(true);
        var entry = TestEntries.NewEntry();
        await table.InsertAsync(entry);
        var args = new[] { "increment", directory.Path, clusterId, entry.SiloAddress.ToParsableString(), $"{perProcess}" };

        using var first = ChildProcess.Start(args);
        using var second = ChildProcess.Start(args);
        await Task.WhenAll(
            IncrementAsync(directory.Path, clusterId, entry.SiloAddress, perProcess),
            first.WaitForLineAsync(ChildProcessProgram.IncrementsDone, Bound),
            second.WaitForLineAsync(ChildProcessProgram.IncrementsDone, Bound)).WaitAsync(Bound);

        Assert.Equal(0, await first.WaitForExitAsync(Bound));
        Assert.Equal(0, await second.WaitForExitAsync(Bound));
        var final = await table.ReadAllAsync();
        Assert.Equal(3 * perProcess, Assert.Single(final.Members).Item1.UpdateZone);
        Assert.Equal(1 + 3 * perProcess, final.Version.Version);
    }

    [Fact]
    public async Task A_silo_process_killed_with_SIGKILL_is_declared_dead_by_the_survivor()
    {
        IHost? survivor = null;
        try
        {
            survivor = await ClusterHosts.StartSiloAsync(directory.Path, clusterId, ChildProcessProgram.TightenMembership);
            using var victim = ChildProcess.Start("silo", directory.Path, clusterId);
            var victimAddress = SiloAddress.FromParsableString(await victim.WaitForLineAsync(ChildProcessProgram.SiloReady, Bound));
            await ClusterHosts.WaitForMembershipAsync(survivor, s => ClusterHosts.HasActive(s, 2), "the child silo Active in the survivor's view");

            var sinceKill = Stopwatch.StartNew();
            victim.KillHard();
            await ClusterHosts.WaitForMembershipAsync(
                survivor, s => s.GetSiloStatus(victimAddress) == SiloStatus.Dead, "the killed silo declared Dead");
            sinceKill.Stop();
            output.WriteLine($"SIGKILLed silo declared Dead after {sinceKill.Elapsed.TotalSeconds:0.0} s "
                + "(ProbeTimeout 1 s, NumMissedProbesLimit 2, TableRefreshTimeout 2 s, IAmAliveTablePublishTimeout 5 s)");

            var row = (await directory.CreateTable(clusterId).ReadRowAsync(victimAddress)).Members.Single().Item1;
            Assert.Equal(SiloStatus.Dead, row.Status);
            Assert.Single(await directory.CreateGatewayList(clusterId).GetGatewaysAsync());
        }
        finally
        {
            await ClusterHosts.StopAsync(survivor);
        }
    }
}
