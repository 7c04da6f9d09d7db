using System.Diagnostics;
using System.Text;

namespace OrleansKv.Integration;

/// <summary>
/// Runs a command to its end within a time limit and collects what it printed. A command that
/// overruns is killed by its process id, with the processes it started.
/// </summary>
internal static class BoundedCommand
{
    /// <summary>How a command ended: its exit code (-1 if it was killed), what it printed, and whether it overran.</summary>
    public sealed record Outcome(int ExitCode, string Output, string Error, bool TimedOut)
    {
        public bool Succeeded => !TimedOut && ExitCode == 0;

        public override string ToString() =>
            (TimedOut ? "killed after its time limit" : $"exit code {ExitCode}") + $"\n--- stdout\n{Output}--- stderr\n{Error}";
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> in <paramref name="workingDirectory"/>. Environment variables
    /// whose names start with one of <paramref name="dropVariablesStartingWith"/> are not passed on.
    /// </summary>
    public static async Task<Outcome> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, params string[] dropVariablesStartingWith)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var name in start.Environment.Keys.ToList())
            if (dropVariablesStartingWith.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))) start.Environment.Remove(name);

        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timedOut = false;
        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
            }
        }
        // Also waits until both output streams are drained (bounded too: a leftover grandchild could hold them open).
        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try { await process.WaitForExitAsync(drain.Token); } catch (OperationCanceledException) { }
        }
        lock (output) lock (error) return new Outcome(timedOut ? -1 : process.ExitCode, output.ToString(), error.ToString(), timedOut);
    }
}
