using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansKv.Silo;

/// <summary>
/// `local`: starts a cluster of Orleans silos on 127.0.0.1, one child process each, with file
/// storage under a data folder and the embedded membership table in data/cluster (no external
/// server; any silo may be killed). Running it again restarts the same cluster with its data.
/// Ctrl-C stops every silo gracefully (SIGTERM: each hands over leadership, then exits).
/// </summary>
internal static class LocalCluster
{
    public static async Task<int> RunAsync(string[] args)
    {
        var silos = IntFlag(args, "--silos", 3);
        var groups = IntFlag(args, "--groups", 2);
        var siloBasePort = IntFlag(args, "--silo-base-port", 11111);
        var gatewayBasePort = IntFlag(args, "--gateway-base-port", 30001);
        var httpBasePort = IntFlag(args, "--http-base-port", 8081);
        var data = Path.GetFullPath(StringFlag(args, "--data", "data"));

        var endpoints = Enumerable.Range(1, silos).Select(i => new LocalSilo(
            $"silo{i}", siloBasePort + i - 1, gatewayBasePort + i - 1, $"http://127.0.0.1:{httpBasePort + i - 1}")).ToList();
        var names = string.Join(',', endpoints.Select(e => e.Name));

        Console.WriteLine($"Starting {silos} Orleans silos ({groups} data groups), data in {data}");
        var children = new List<Process>();
        foreach (var silo in endpoints)
        {
            var process = StartSilo(silo, names, data, groups);
            children.Add(process);
        }

        using var stopping = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopping.Cancel(); };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });

        var ready = await WaitReadyAsync(endpoints, children, TimeSpan.FromSeconds(60), stopping.Token);
        if (ready)
        {
            var gateway = endpoints[0].HttpUrl;
            Console.WriteLine();
            Console.WriteLine($"OrleansKv is up. HTTP gateways: {string.Join("  ", endpoints.Select(e => e.HttpUrl))}");
            Console.WriteLine($"Orleans gateways (for the client library): {string.Join(",", endpoints.Select(e => $"127.0.0.1:{e.GatewayPort}"))}");
            Console.WriteLine("Try:");
            Console.WriteLine($"  curl -i -X PUT --data-binary 'hello' {gateway}/v1/kv/greeting");
            Console.WriteLine($"  curl -i {gateway}/v1/kv/greeting");
            Console.WriteLine("Press Ctrl-C to stop the cluster.");
        }
        else if (!stopping.IsCancellationRequested)
        {
            Console.Error.WriteLine("The cluster did not become ready within 60 s; see the silo logs above.");
        }

        try { await Task.Delay(Timeout.Infinite, stopping.Token); } catch (OperationCanceledException) { }

        Console.WriteLine("Stopping the silos...");
        foreach (var child in children) Terminate(child);
        foreach (var child in children)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await child.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { child.Kill(entireProcessTree: true); }
        }
        Console.WriteLine("Stopped.");
        return ready ? 0 : 1;
    }

    /// <summary>One silo of the local cluster: its name and ports.</summary>
    private sealed record LocalSilo(string Name, int SiloPort, int GatewayPort, string HttpUrl);

    private static Process StartSilo(LocalSilo silo, string names, string data, int groups)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var self = Environment.ProcessPath ?? "dotnet";
        start.FileName = self;
        // Under `dotnet OrleansKv.Silo.dll` the process is dotnet itself: pass the assembly too.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(LocalCluster).Assembly.Location);
        foreach (var arg in new[]
                 {
                     "--name", silo.Name, "--silos", names, "--groups", groups.ToString(),
                     "--silo-port", silo.SiloPort.ToString(), "--gateway-port", silo.GatewayPort.ToString(), "--http", silo.HttpUrl,
                     "--data", Path.Combine(data, silo.Name), "--membership", Path.Combine(data, "cluster"),
                 })
            start.ArgumentList.Add(arg);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in SiloProcessEnvironment.Recommended) start.Environment.TryAdd(name, value);
        start.Environment["Logging__LogLevel__OrleansKv"] = "Information";
        // Orleans's start-up advice to use server GC: workstation GC is chosen on purpose (several
        // silos share a few cores), so the note is noise here.
        start.Environment["Logging__LogLevel__Orleans.Runtime.Silo"] = "Error";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {silo.Name}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"[{silo.Name}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{silo.Name}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> WaitReadyAsync(List<LocalSilo> endpoints, List<Process> children, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            if (children.Any(c => c.HasExited)) return false;
            var allReady = true;
            foreach (var endpoint in endpoints)
            {
                try
                {
                    using var response = await http.GetAsync($"{endpoint.HttpUrl}/healthz/ready", cancellationToken);
                    allReady &= response.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { allReady = false; }
            }
            if (allReady) return true;
            try { await Task.Delay(200, cancellationToken); } catch (OperationCanceledException) { return false; } // polling with a deadline
        }
        return false;
    }

    private static void Terminate(Process process)
    {
        if (process.HasExited) return;
        if (OperatingSystem.IsWindows()) { process.Kill(); return; }
        _ = Kill(process.Id, 15); // SIGTERM: graceful, the silo hands over leadership first
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int IntFlag(string[] args, string name, int fallback) =>
        int.TryParse(StringFlag(args, name, ""), out var value) ? value : fallback;

    private static string StringFlag(string[] args, string name, string fallback)
    {
        for (var i = 0; i < args.Length - 1; i++) if (args[i] == name) return args[i + 1];
        return fallback;
    }
}
