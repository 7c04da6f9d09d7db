using System.Diagnostics;

namespace OrleansKv.Integration;

/// <summary>
/// One silo started the way its container starts it: <c>dotnet OrleansKv.Silo.dll</c> in the
/// published folder, with no arguments, every setting in environment variables. The test that
/// starts it stops it, by process id.
/// </summary>
internal sealed class ContainerSiloProcess(string name, string publishFolder, IReadOnlyDictionary<string, string> environment) : IDisposable
{
    // Configuration the test run itself may carry, which a container would not inherit.
    private static readonly string[] InheritedSettingPrefixes = ["Silo__", "ORLEANSKV_", "Orleans__", "Logging__", "ASPNETCORE_", "AZURE_"];

    private readonly OutputTail _log = new();
    private Process? _process;

    public string Name { get; } = name;
    public IReadOnlyDictionary<string, string> Environment { get; } = environment;
    /// <summary>The HTTP gateway, at the URL the silo was given.</summary>
    public string HttpUrl => Environment["Silo__HttpUrl"];

    public bool IsRunning => _process is { HasExited: false };
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"silo {Name} was not started");

    /// <summary>The last lines the silo printed (for failure messages).</summary>
    public string RecentLog => _log.Recent();

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"silo {Name} is already running");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = publishFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(PublishedSilo.EntryAssembly);
        foreach (var inherited in start.Environment.Keys.ToList())
            if (InheritedSettingPrefixes.Any(prefix => inherited.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))) start.Environment.Remove(inherited);
        foreach (var (variable, value) in Environment) start.Environment[variable] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start silo {Name}");
        _log.Attach(_process);
    }

    /// <summary>kill -9 of the silo's process id: no shutdown, no handover.</summary>
    public void Kill()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}
