namespace OrleansKv.Linearizability.Tests;

/// <summary>
/// On thousands of small random histories, legal and not, the checker must give exactly the verdict of an
/// exhaustive enumeration: this guards the search's pruning rules against both false alarms and missed violations.
/// </summary>
public class BruteForceAgreementTests
{
    private const int Rounds = 5_000;
    private const int MediumRounds = 3_000;

    // Writes use four texts, reads (when corrupted) observe some of their combinations: unknown-outcome writes of
    // "c" or "d" that never took effect are then often unobservable, which the checker treats specially.
    private static readonly string[] Written = ["a", "b", "c", "d"];
    private static readonly string[] Observed = ["a", "b", "c", "ab", "ba", "aa", "ac"];

    [Theory]
    [InlineData(1, true, 4)]
    [InlineData(2, false, 4)]
    [InlineData(3, true, 2)]
    [InlineData(4, false, 2)]
    public void Verdict_AgreesWithExhaustiveEnumeration_OnSmallRandomHistories(int seed, bool reportVersions, int oneInHowManyUnknown)
    {
        var random = new Random(seed);
        int linearizable = 0, illegal = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var history = RandomSmallHistory(random, reportVersions, oneInHowManyUnknown);

            var expected = BruteForceLinearizability.IsLinearizable(history);
            var actual = LinearizabilityChecker.Check(history, new CheckOptions { MaxDegreeOfParallelism = 1 });

            Assert.True(
                actual.Outcome == (expected ? CheckOutcome.Ok : CheckOutcome.Illegal),
                $"Round {round}: exhaustive enumeration says {(expected ? "linearizable" : "illegal")}, checker says {actual.Outcome}.\n"
                + string.Join("\n", history.Select((op, i) => $"#{i} {op}")) + "\n" + actual.Describe());
            _ = expected ? linearizable++ : illegal++;
        }

        // Both verdicts must be well represented, or the agreement proves little.
        Assert.True(linearizable >= 500 && illegal >= 500, $"{linearizable} linearizable, {illegal} illegal");
    }

    [Theory]
    [InlineData(11, true)]
    [InlineData(12, false)]
    public void Verdict_AgreesWithPlainWingGongSearch_OnMediumRandomHistoriesWithManyUnknownOutcomes(int seed, bool reportVersions)
    {
        var random = new Random(seed);
        int linearizable = 0, illegal = 0;
        for (var round = 0; round < MediumRounds; round++)
        {
            var history = RandomHistory(random, random.Next(8, 15), reportVersions, oneInHowManyUnknown: 3);

            var expected = PlainWingGongSearch.IsLinearizable(history);
            var actual = LinearizabilityChecker.Check(history, new CheckOptions { MaxDegreeOfParallelism = 1 });

            Assert.True(
                actual.Outcome == (expected ? CheckOutcome.Ok : CheckOutcome.Illegal),
                $"Round {round}: plain search says {(expected ? "linearizable" : "illegal")}, checker says {actual.Outcome}.\n"
                + string.Join("\n", history.Select((op, i) => $"#{i} {op}")) + "\n" + actual.Describe());
            _ = expected ? linearizable++ : illegal++;
        }

        Assert.True(linearizable >= 200 && illegal >= 200, $"{linearizable} linearizable, {illegal} illegal");
    }

    /// <summary>Up to 7 operations on one key, produced by a real store with random linearization points, then possibly corrupted.</summary>
    private static KvOperation[] RandomSmallHistory(Random random, bool reportVersions, int oneInHowManyUnknown) =>
        RandomHistory(random, random.Next(1, 8), reportVersions, oneInHowManyUnknown);

    private static KvOperation[] RandomHistory(Random random, int count, bool reportVersions, int oneInHowManyUnknown)
    {
        var planned = new List<(KvCommand Command, long Call, long Return, long Effect, bool Unknown, bool TakesEffect)>();
        for (var i = 0; i < count; i++)
        {
            var call = random.Next(0, 30);
            var ret = call + random.Next(0, 10);
            var unknown = random.Next(oneInHowManyUnknown) == 0;
            planned.Add((RandomCommand(random, count), call, ret, random.Next((int)call, (int)ret + 1), unknown, !unknown || random.Next(2) == 0));
        }

        var outputs = new KvOutput[count];
        var store = new KvReferenceStore();
        foreach (var i in Enumerable.Range(0, count).Where(i => planned[i].TakesEffect).OrderBy(i => planned[i].Effect).ThenBy(_ => random.Next()))
        {
            outputs[i] = store.Apply(planned[i].Command);
        }

        var history = new KvOperation[count];
        for (var i = 0; i < count; i++)
        {
            var (command, call, ret, _, unknown, _) = planned[i];
            var output = reportVersions ? outputs[i] : WithoutVersion(outputs[i]);
            history[i] = unknown
                ? KvOperation.OutcomeUnknown(i, command, call)
                : KvOperation.Completed(i, command, call, ret, output);
        }

        // Corrupt one completed output in most rounds: some corruptions are still linearizable, most are not.
        var completed = Enumerable.Range(0, count).Where(i => !history[i].IsOutcomeUnknown).ToArray();
        if (completed.Length > 0 && random.Next(10) < 6)
        {
            var victim = completed[random.Next(completed.Length)];
            var op = history[victim];
            history[victim] = KvOperation.Completed(op.ClientId, op.Command, op.CallTime, op.ReturnTime, RandomOutput(random, op.Kind, count, reportVersions));
        }

        return history;
    }

    private static KvCommand RandomCommand(Random random, int count) => random.Next(5) switch
    {
        0 => KvCommand.Get("k"),
        1 => KvCommand.Put("k", Written[random.Next(Written.Length)]),
        2 => KvCommand.Append("k", Written[random.Next(Written.Length)]),
        3 => KvCommand.Delete("k"),
        _ => KvCommand.CompareAndSet("k", random.Next(0, 2 * count), Written[random.Next(Written.Length)]),
    };

    private static KvOutput RandomOutput(Random random, KvOperationKind kind, int count, bool reportVersions)
    {
        long? Version(int min) => reportVersions && random.Next(4) != 0 ? random.Next(min, 2 * count + 1) : null;
        return kind switch
        {
            KvOperationKind.Get => random.Next(4) == 0 ? KvOutput.NotFound : KvOutput.Found(Observed[random.Next(Observed.Length)], Version(1)),
            KvOperationKind.Put or KvOperationKind.Append => KvOutput.Written(Version(1)),
            KvOperationKind.Delete => KvOutput.Deleted(random.Next(3) switch { 0 => true, 1 => false, _ => null }),
            _ => random.Next(2) == 0 ? KvOutput.Swapped(Version(1)) : KvOutput.SwapRejected(Version(0)),
        };
    }

    private static KvOutput WithoutVersion(KvOutput output) => output.Outcome switch
    {
        KvOutcome.Found => KvOutput.Found(output.Value!),
        KvOutcome.Written => KvOutput.Written(),
        KvOutcome.Swapped => KvOutput.Swapped(),
        KvOutcome.SwapRejected => KvOutput.SwapRejected(),
        _ => output,
    };
}
