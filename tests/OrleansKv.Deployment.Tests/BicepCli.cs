using System.Diagnostics;
using System.Reflection;

namespace OrleansKv.Deployment.Tests;

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package that restore brought in (the
/// project file records its path). It runs offline: these tests never reach Azure.
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>What one run printed.</summary>
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public string Describe(string what) => $"bicep {what} exited {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
    }

    public static string Executable
    {
        get
        {
            var recorded = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "BicepPath")?.Value;
            if (string.IsNullOrEmpty(recorded))
                throw new InvalidOperationException("the test assembly does not record BicepPath: is Azure.Bicep.CommandLine.linux-x64 referenced?");
            // The package's props join the folder with a backslash, which Linux takes literally.
            var path = Path.GetFullPath(recorded.Replace('\\', '/'));
            if (!File.Exists(path)) throw new FileNotFoundException("the Bicep CLI is not where its package put it", path);
            return path;
        }
    }

    public static async Task<Result> RunAsync(params string[] arguments)
    {
        var executable = Executable;
        EnsureExecutable(executable);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No telemetry from a test run.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + executable);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} took longer than {Timeout.TotalSeconds:0} s");
        }
        return new Result(process.ExitCode, await output, await errors);
    }

    // NuGet extracts package files without their Unix mode on some versions; the binary must run.
    private static void EnsureExecutable(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
    }
}
