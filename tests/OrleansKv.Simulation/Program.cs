namespace OrleansKv.Simulation;

/// <summary>
/// Command line: replay one seed (--seed N [--nodes 3|5] [--verbose]) or soak many
/// (--seeds COUNT [--start S] [--nodes 3|5]); with --grains, the same for the grain simulation.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int? seed = null, nodes = null, seeds = null;
        var start = 0;
        var verbose = false;
        var faults = true;
        var grains = false;
        var ticks = SimulationOptions.DefaultFaultTicks;
        var livenessTicks = SimulationOptions.DefaultLivenessTicks;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seed": seed = int.Parse(Value()); break;
                case "--seeds": seeds = int.Parse(Value()); break;
                case "--start": start = int.Parse(Value()); break;
                case "--nodes": nodes = int.Parse(Value()); break;
                case "--ticks": ticks = int.Parse(Value()); break;
                case "--liveness-ticks": livenessTicks = int.Parse(Value()); break;
                case "--no-faults": faults = false; break;
                case "--verbose": verbose = true; break;
                case "--grains": grains = true; break;
                case "-h" or "--help":
                    Usage();
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}");
                    Usage();
                    return 2;
            }
        }
        if (grains) return RunGrains(seed, seeds, start, nodes, faults, verbose);
        if (nodes is not null and not (3 or 5)) Console.Error.WriteLine("note: the sweep uses 3 or 5 nodes; running with " + nodes);

        if (seed is { } one)
        {
            var options = SimulationOptions.ForSeed(one, nodes) with
            {
                FaultTicks = ticks, LivenessTicks = livenessTicks, Faults = faults, TraceOut = verbose ? Console.Out : null,
            };
            var result = new Simulation(options).Run();
            Console.WriteLine(result);
            Console.WriteLine(result.Stats);
            if (!result.Passed) Console.WriteLine($"replay: {options.ReplayCommand}");
            return result.Passed ? 0 : 1;
        }

        var sweep = SeedSweep.Run(start, seeds ?? 100, nodes, progress: Console.Out,
            configure: o => o with { FaultTicks = ticks, LivenessTicks = livenessTicks, Faults = faults });
        Console.WriteLine(sweep.Summary());
        return sweep.Failures.Count == 0 ? 0 : 1;
    }

    // The grain simulation: the real peer grain, KV state machine and storage seam under the same kind of faults.
    private static int RunGrains(int? seed, int? seeds, int start, int? nodes, bool faults, bool verbose)
    {
        if (seed is { } one)
        {
            var options = Grains.GrainSimOptions.ForSeed(one, nodes) with { Faults = faults, TraceOut = verbose ? Console.Out : null };
            var result = new Grains.GrainSimulation(options).Run();
            Console.WriteLine(result);
            Console.WriteLine(result.Stats);
            return result.Passed ? 0 : 1;
        }
        var sweep = Grains.GrainSeedSweep.Run(start, seeds ?? 100, nodes, progress: Console.Out, configure: o => o with { Faults = faults });
        Console.WriteLine(sweep.Summary());
        return sweep.Failures.Count == 0 ? 0 : 1;
    }

    private static void Usage() => Console.WriteLine("""
        usage:
          --seed N [--nodes 3|5] [--verbose]          replay one seed (prints the event trace with --verbose)
          --seeds COUNT [--start S] [--nodes 3|5]     run many seeds in parallel, print progress and a summary
          [--ticks T] [--liveness-ticks L] [--no-faults]
          --grains ...                                the same, for the grain simulation (peer grains, KV state machine, storage seam)
        without --nodes, even seeds run 3 nodes and odd seeds 5.
        """);
}
