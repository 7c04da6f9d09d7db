using System.Globalization;
using Orleans.Configuration;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// This test assembly's own entry point (the test SDK's generated one is turned off), so tests
/// can run parts of themselves as separate processes: real processes are what the file lock
/// must exclude, and a silo in its own process is one that kill -9 can really kill.
/// </summary>
internal static class ChildProcessProgram
{
    /// <summary>The line a child silo prints, followed by its address, once it has started.</summary>
    public const string SiloReady = "SILO-READY ";

    /// <summary>The line a child incrementer prints when all its increments are in.</summary>
    public const string IncrementsDone = "INCREMENTS-DONE";

    /// <summary>The membership timings the kill test runs with, in child and parent alike.</summary>
    public static void TightenMembership(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// <c>silo DIR CLUSTER</c>: runs a silo (tightened membership timings) until stdin closes.
    /// <c>increment DIR CLUSTER SILO COUNT</c>: adds COUNT to the UpdateZone of row SILO, one
    /// conditional read-modify-write at a time, as <see cref="MultiProcessTests"/> describes.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["silo", var directory, var clusterId]:
                var silo = await ClusterHosts.StartSiloAsync(directory, clusterId, TightenMembership);
                Console.WriteLine(SiloReady + ClusterHosts.SiloAddressOf(silo).ToParsableString());
                // The parent ends a child by closing stdin (graceful) or by SIGKILL (the test).
                await Console.In.ReadToEndAsync();
                await ClusterHosts.StopAsync(silo);
                return 0;
            case ["increment", var directory, var clusterId, var siloAddress, var count]:
                await MultiProcessTests.IncrementAsync(
                    directory, clusterId, Orleans.Runtime.SiloAddress.FromParsableString(siloAddress),
                    int.Parse(count, CultureInfo.InvariantCulture));
                Console.WriteLine(IncrementsDone);
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: silo DIR CLUSTER | increment DIR CLUSTER SILO COUNT");
                return 2;
        }
    }
}
