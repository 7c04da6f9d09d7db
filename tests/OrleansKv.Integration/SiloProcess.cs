using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansKv.Integration;

/// <summary>One Orleans silo as a real child process on 127.0.0.1; the test that starts it stops it (by process id).</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly OutputTail _log = new();
    private Process? _process;

    public SiloProcess(string name, int siloPort, int gatewayPort, int httpPort, string dataDirectory)
    {
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        DataDirectory = dataDirectory;
    }

    /// <summary>The silo's name, which is also the name of the replicas it hosts.</summary>
    public string Name { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public int HttpPort { get; }
    public string DataDirectory { get; }
    /// <summary>The Orleans gateway endpoint, for the client library.</summary>
    public string Gateway => $"127.0.0.1:{GatewayPort}";
    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";
    public bool IsRunning => _process is { HasExited: false };
    public int? ProcessId => _process?.Id;

    /// <summary>The last lines the silo printed (for failure messages).</summary>
    public string RecentLog => _log.Recent();

    /// <summary>Starts the silo with the given flags added, and the given environment variables set (as a container platform sets them).</summary>
    public void Start(string silosFlag, IEnumerable<string> extraArguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (IsRunning) throw new InvalidOperationException($"silo {Name} is already running");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SiloAssemblyPath);
        foreach (var arg in new[]
                 {
                     "--name", Name, "--silos", silosFlag, "--data", DataDirectory,
                     "--silo-port", SiloPort.ToString(), "--gateway-port", GatewayPort.ToString(), "--http", HttpUrl,
                 })
            start.ArgumentList.Add(arg);
        foreach (var arg in extraArguments) start.ArgumentList.Add(arg);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__OrleansKv"] = "Information";
        if (environment is not null) foreach (var (name, value) in environment) start.Environment[name] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start silo {Name}");
        _log.Attach(_process);
    }

    /// <summary>SIGKILL: the process loses everything it had not fsynced.</summary>
    public void Kill()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM: a graceful stop (the silo hands over leadership first). Falls back to SIGKILL after the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is null || _process.HasExited) return;
        _ = SendSignal(_process.Id, 15);
        using var cancel = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException) { Kill(); }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>The configuration the tests, and so the silo they reference, were built in.</summary>
    internal static string BuildConfiguration =>
        typeof(SiloProcess).Assembly.GetCustomAttributes(typeof(SiloBuildConfiguration), false).Cast<SiloBuildConfiguration>().Single().Configuration;

    /// <summary>The built silo's assembly, run with <c>dotnet</c>.</summary>
    internal static string SiloAssemblyPath
    {
        get
        {
            var path = Path.Combine(RepositoryRoot.Path, "src", "Silo", "bin", BuildConfiguration, "net10.0", "OrleansKv.Silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("the silo is not built", path);
        }
    }
}
