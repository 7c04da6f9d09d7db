using System.Diagnostics;
using System.Threading.Channels;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// A copy of this test assembly running <see cref="ChildProcessProgram"/> in its own process,
/// with its output lines readable as they come. Disposing kills it if it is still running.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process process;
    private readonly Channel<string> lines = Channel.CreateUnbounded<string>();
    private readonly List<string> seen = [];

    private ChildProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>dotnet exec</c> on this assembly with <paramref name="args"/>.</summary>
    public static ChildProcess Start(params string[] args)
    {
        // The SDK tells test processes which dotnet runs them; a bare "dotnet" is the fallback.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Waits for an output line starting with <paramref name="prefix"/>; returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in lines.Reader.ReadAllAsync(bound.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..];
                }
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // Reported below with what the child did say.
        }

        throw new TimeoutException($"The child process did not print '{prefix}' within {timeout}. It said:\n{Said()}");
    }

    /// <summary>Asks the child to stop gracefully (closes its stdin) and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(timeout);
    }

    /// <summary>SIGKILL on Linux: the process gets no chance to write anything more.</summary>
    public void KillHard() => process.Kill(entireProcessTree: true);

    /// <summary>Waits for the child to exit on its own; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await process.WaitForExitAsync().WaitAsync(timeout);
        return process.ExitCode;
    }

    /// <summary>Kills the child if it still runs.</summary>
    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    private void Forward(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (seen)
        {
            seen.Add(line);
        }

        lines.Writer.TryWrite(line);
    }

    private string Said()
    {
        lock (seen)
        {
            return string.Join('\n', seen.TakeLast(40));
        }
    }
}
