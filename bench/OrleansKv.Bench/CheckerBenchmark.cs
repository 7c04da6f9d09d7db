using System.Diagnostics;
using System.Globalization;
using OrleansKv.Linearizability;

namespace OrleansKv.Bench;

/// <summary>
/// Wall time of the linearizability checker on generated 10,000-operation histories: 8 concurrent clients, a mix of
/// Get / Put / Append / CompareAndSet / Delete with a few unknown outcomes, over 10 keys and over a single key (where
/// all concurrency lands on one search), with and without versions, and once with a corrupted read to time a violation.
/// </summary>
/// <remarks>
/// Options (after "checker"): --ops N (10000), --clients N (8), --unknown-rate P (0.01), --runs N (5), --seed N (42).
/// Each linearizable scenario is checked once to warm up, then timed --runs times; the table shows min and median.
/// A corrupted history is timed once: proving a violation means exhausting every linearization up to it, which on
/// a single key with many unknown outcomes takes far longer than finding one linearization.
/// </remarks>
internal static class CheckerBenchmark
{
    public static int Run(string[] args)
    {
        var ops = IntOption(args, "--ops", 10_000);
        var clients = IntOption(args, "--clients", 8);
        var runs = IntOption(args, "--runs", 5);
        var seed = IntOption(args, "--seed", 42);
        var unknownRate = double.Parse(Option(args, "--unknown-rate") ?? "0.01", CultureInfo.InvariantCulture);

        Console.WriteLine($"Linearizability checker: {ops:N0} operations, {clients} clients, {unknownRate:P1} unknown outcomes, "
            + $"seed {seed}, {runs} timed runs after a warm-up, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| scenario | keys | versions | unknown ops | verdict | min ms | median ms | ops/s (median) | search states |");
        Console.WriteLine("|----------|-----:|----------|------------:|---------|-------:|----------:|---------------:|--------------:|");

        var allAsExpected = true;
        foreach (var (keys, versions, corrupt) in new[] { (10, true, false), (1, true, false), (10, false, false), (1, false, false), (10, true, true), (1, true, true) })
        {
            var history = RandomHistoryGenerator.Generate(new HistoryGenerationOptions
            {
                Seed = seed,
                OperationCount = ops,
                ClientCount = clients,
                KeyCount = keys,
                ReportVersions = versions,
                UnknownOutcomeRate = unknownRate,
            });
            if (corrupt)
            {
                history = WithOneReadCorrupted(history);
            }

            if (!corrupt)
            {
                LinearizabilityChecker.Check(history); // warm-up
            }

            var times = new List<double>();
            CheckResult? result = null;
            for (var run = 0; run < (corrupt ? 1 : runs); run++)
            {
                var clock = Stopwatch.StartNew();
                result = LinearizabilityChecker.Check(history);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var median = times[times.Count / 2];
            var expected = corrupt ? CheckOutcome.Illegal : CheckOutcome.Ok;
            allAsExpected &= result!.Outcome == expected;
            var scenario = corrupt ? "one read corrupted" : "generated";
            Console.WriteLine($"| {scenario} | {keys} | {(versions ? "reported" : "values only")} | {history.Count(op => op.IsOutcomeUnknown)} | "
                + $"{result.Outcome} | {times[0]:F1} | {median:F1} | {history.Count / (median / 1000):N0} | {result.Keys.Sum(k => (long)k.StatesExplored):N0} |");
        }

        if (!allAsExpected)
        {
            Console.Error.WriteLine("Unexpected verdict: generated histories must be Ok, corrupted ones Illegal.");
            return 1;
        }

        return 0;
    }

    /// <summary>Replaces a read in the middle of the history with one that observed a value nobody wrote.</summary>
    private static IReadOnlyList<KvOperation> WithOneReadCorrupted(IReadOnlyList<KvOperation> history)
    {
        var corrupted = history.ToArray();
        var victim = Array.FindIndex(corrupted, corrupted.Length / 2, op => op.Output.Outcome == KvOutcome.Found);
        var read = corrupted[victim];
        corrupted[victim] = KvOperation.Completed(read.ClientId, read.Command, read.CallTime, read.ReturnTime, KvOutput.Found("corrupted", read.Output.Version));
        return corrupted;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
