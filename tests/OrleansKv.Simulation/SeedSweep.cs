using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using OrleansKv.Linearizability;

namespace OrleansKv.Simulation;

/// <summary>Runs a range of seeds in parallel (each seed is single-threaded) and summarises them.</summary>
public sealed class SeedSweep
{
    private SeedSweep(int start, int count, IReadOnlyList<SimulationResult> failures, SimulationStats totals, int unknownChecks, TimeSpan wall)
    {
        Start = start;
        Count = count;
        Failures = failures;
        Totals = totals;
        UnknownChecks = unknownChecks;
        Wall = wall;
    }

    public int Start { get; }
    public int Count { get; }
    public IReadOnlyList<SimulationResult> Failures { get; }
    public SimulationStats Totals { get; }

    /// <summary>Seeds whose linearizability check ran out of time (reported, not failures).</summary>
    public int UnknownChecks { get; }

    public TimeSpan Wall { get; }

    public static SeedSweep Run(int start, int count, int? nodes = null, TextWriter? progress = null, Func<SimulationOptions, SimulationOptions>? configure = null)
    {
        var stopwatch = Stopwatch.StartNew(); // wall time for the report only
        var failures = new ConcurrentBag<SimulationResult>();
        var totals = new SimulationStats();
        var gate = new object();
        var done = 0;
        var unknown = 0;
        var lastReport = TimeSpan.Zero;
        Parallel.For(start, start + count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var options = SimulationOptions.ForSeed(seed, nodes);
            if (configure is not null) options = configure(options);
            var result = new Simulation(options).Run();
            lock (gate)
            {
                totals.Add(result.Stats);
                if (!result.Passed) failures.Add(result);
                if (result.Linearizability == CheckOutcome.Unknown) unknown++;
                done++;
                if (progress is not null && (stopwatch.Elapsed - lastReport > TimeSpan.FromSeconds(10) || done == count || !result.Passed))
                {
                    lastReport = stopwatch.Elapsed;
                    if (!result.Passed) progress.WriteLine($"FAILED {result}\n  replay: {result.Options.ReplayCommand}");
                    progress.WriteLine($"[{stopwatch.Elapsed:hh\\:mm\\:ss}] {done}/{count} seeds, {failures.Count} failed");
                }
            }
        });
        var sorted = failures.OrderBy(f => f.Options.Seed).ToList();
        return new SeedSweep(start, count, sorted, totals, unknown, stopwatch.Elapsed);
    }

    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine($"seeds {Start}..{Start + Count - 1}: {Count} run, {Failures.Count} failed, {UnknownChecks} linearizability checks out of time, wall time {Wall.TotalSeconds:F1} s");
        text.AppendLine(Totals.ToString());
        foreach (var failure in Failures)
        {
            text.AppendLine($"seed {failure.Options.Seed} ({failure.Options.Nodes} nodes): {FirstLine(failure.Failure!)}");
            text.AppendLine($"  replay: {failure.Options.ReplayCommand}");
        }
        return text.ToString();
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline];
    }
}
