using System.Diagnostics;
using System.Globalization;
using Orleans.Storage;
using OrleansKv.Storage.CrashWriter;
using Xunit.Abstractions;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>The <c>file</c> provider survives kill -9 of its process during group commit with every acknowledged write.</summary>
public sealed class FileGrainStorageKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Writers = 16;
    private const int PayloadBytes = 6000;
    private readonly TempDirectory _dir = new();
    private readonly ProviderHarness _harness = new();

    public void Dispose()
    {
        _harness.Dispose();
        _dir.Dispose();
    }

    // The crash writer is built next to this project (a ProjectReference) in the same configuration.
    private static string CrashWriterDll()
    {
        var testBin = AppContext.BaseDirectory; // tests/OrleansKv.Storage.Tests/bin/<config>/<tfm>/
        var tfm = new DirectoryInfo(testBin).Name;
        var config = new DirectoryInfo(testBin).Parent!.Name;
        var testsDir = new DirectoryInfo(testBin).Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(testsDir, "OrleansKv.Storage.CrashWriter", "bin", config, tfm, "OrleansKv.Storage.CrashWriter.dll");
        Assert.True(File.Exists(path), $"crash writer not built at {path}");
        return path;
    }

    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 1500)]
    public async Task Every_write_acknowledged_before_a_kill_9_during_group_commit_is_there_after_reopening(int round, int killAfterAcks)
    {
        var lastAck = new long[Writers];
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { CrashWriterDll(), _dir.Path, Writers.ToString(CultureInfo.InvariantCulture), PayloadBytes.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var acks = 0;
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (acks < killAfterAcks)
            {
                var line = await child.StandardOutput.ReadLineAsync(deadline.Token)
                    ?? throw new InvalidOperationException($"crash writer ended early: {await child.StandardError.ReadToEndAsync()}");
                var parts = line.Split(' ');
                if (parts[0] != "ack") continue;
                lastAck[int.Parse(parts[1], CultureInfo.InvariantCulture)] = long.Parse(parts[2], CultureInfo.InvariantCulture);
                acks++;
            }
        }
        finally
        {
            // SIGKILL by process id, mid-load: writes are queued and in flight.
            child.Kill(entireProcessTree: false);
            await child.WaitForExitAsync();
        }
        // Acknowledgements the child printed before it died but we had not read yet count too.
        string? rest;
        while ((rest = await child.StandardOutput.ReadLineAsync()) is not null)
        {
            var parts = rest.Split(' ');
            if (parts.Length == 4 && parts[0] == "ack")
            {
                var w = int.Parse(parts[1], CultureInfo.InvariantCulture);
                lastAck[w] = Math.Max(lastAck[w], long.Parse(parts[2], CultureInfo.InvariantCulture));
                acks++;
            }
        }

        await using var storage = await _harness.OpenAsync(_dir.Path);
        output.WriteLine($"round {round}: {acks} acknowledged writes before the kill; after reopening: {storage.Statistics}");
        for (var w = 0; w < Writers; w++)
        {
            if (lastAck[w] == 0) continue;
            var state = new GrainState<byte[]>();
            await storage.ReadStateAsync("state", GrainId.Create("crash", $"w{w}"), state);
            Assert.True(state.RecordExists, $"writer {w}: acknowledged value {lastAck[w]} is missing");
            var value = CrashPayload.Check(w, state.State!);
            Assert.True(value >= 0, $"writer {w}: the stored payload is damaged");
            // Each writer has at most one write in flight: the stored value is the last acknowledged or the next.
            Assert.InRange(value, lastAck[w], lastAck[w] + 1);
        }
    }
}
