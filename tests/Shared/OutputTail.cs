using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansKv.Testing;

/// <summary>The last lines a child process printed on stdout and stderr, kept for failure messages.</summary>
internal sealed class OutputTail(int capacity = 400)
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Reads the process's redirected stdout and stderr into this tail from now on.</summary>
    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    public string Recent(int count = 40) => string.Join('\n', _lines.TakeLast(count));

    private void Record(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        while (_lines.Count > capacity) _lines.TryDequeue(out _);
    }
}
