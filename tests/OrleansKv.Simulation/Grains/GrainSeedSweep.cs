using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using OrleansKv.Linearizability;

namespace OrleansKv.Simulation.Grains;

/// <summary>Runs a range of grain-simulation seeds in parallel (each seed is single-threaded) and summarises them.</summary>
public sealed class GrainSeedSweep
{
    public required int Start { get; init; }
    public required int Count { get; init; }
    public required IReadOnlyList<GrainSimResult> Failures { get; init; }
    public required GrainSimStats Totals { get; init; }
    public required int UnknownChecks { get; init; }
    public required TimeSpan Wall { get; init; }

    public static GrainSeedSweep Run(int start, int count, int? nodes = null, TextWriter? progress = null, Func<GrainSimOptions, GrainSimOptions>? configure = null)
    {
        var stopwatch = Stopwatch.StartNew(); // wall time for the report only
        var failures = new ConcurrentBag<GrainSimResult>();
        var totals = new GrainSimStats();
        var gate = new object();
        int done = 0, unknown = 0;
        var lastReport = TimeSpan.Zero;
        Parallel.For(start, start + count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var options = GrainSimOptions.ForSeed(seed, nodes);
            if (configure is not null) options = configure(options);
            var result = new GrainSimulation(options).Run();
            lock (gate)
            {
                totals.Add(result.Stats);
                if (!result.Passed) failures.Add(result);
                if (result.Linearizability == CheckOutcome.Unknown) unknown++;
                done++;
                if (progress is not null && (stopwatch.Elapsed - lastReport > TimeSpan.FromSeconds(10) || done == count || !result.Passed))
                {
                    lastReport = stopwatch.Elapsed;
                    if (!result.Passed) progress.WriteLine(result);
                    progress.WriteLine($"[{stopwatch.Elapsed:hh\\:mm\\:ss}] {done}/{count} grain seeds, {failures.Count} failed");
                }
            }
        });
        return new GrainSeedSweep
        {
            Start = start, Count = count, Failures = failures.OrderBy(f => f.Options.Seed).ToList(), Totals = totals,
            UnknownChecks = unknown, Wall = stopwatch.Elapsed,
        };
    }

    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine($"grain seeds {Start}..{Start + Count - 1}: {Count} run, {Failures.Count} failed, {UnknownChecks} linearizability checks out of time, wall time {Wall.TotalSeconds:F1} s");
        text.AppendLine(Totals.ToString());
        foreach (var failure in Failures) text.AppendLine(failure.ToString());
        return text.ToString();
    }
}
