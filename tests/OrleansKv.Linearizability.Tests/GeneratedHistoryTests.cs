namespace OrleansKv.Linearizability.Tests;

/// <summary>Histories produced by simulated clients against a reference store are linearizable by construction.</summary>
public class GeneratedHistoryTests
{
    [Theory]
    [InlineData(10, true)]
    [InlineData(1, true)]
    [InlineData(10, false)]
    [InlineData(1, false)]
    public void TenThousandOperationGeneratedHistory_IsLinearizable(int keyCount, bool reportVersions)
    {
        var history = RandomHistoryGenerator.Generate(new HistoryGenerationOptions
        {
            Seed = 42,
            OperationCount = 10_000,
            ClientCount = 8,
            KeyCount = keyCount,
            ReportVersions = reportVersions,
        });

        var result = LinearizabilityChecker.Check(history);

        Assert.Equal(10_000, history.Count);
        Assert.Contains(history, op => op.IsOutcomeUnknown);
        Assert.True(result.IsOk, result.Describe());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void GeneratedHistoriesWithManyUnknownOutcomes_AreLinearizable(int seed)
    {
        var history = RandomHistoryGenerator.Generate(new HistoryGenerationOptions
        {
            Seed = seed,
            OperationCount = 600,
            ClientCount = 6,
            KeyCount = 2,
            UnknownOutcomeRate = 0.05,
            ReportVersions = seed % 2 == 0,
        });

        var result = LinearizabilityChecker.Check(history);

        Assert.True(result.IsOk, result.Describe());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ReadCorruptedToAValueNeverWritten_IsDetectedInAGeneratedHistory(int seed)
    {
        var history = RandomHistoryGenerator.Generate(new HistoryGenerationOptions { Seed = seed, OperationCount = 2_000, KeyCount = 3 }).ToArray();
        var victim = Array.FindIndex(history, history.Length / 2, op => op.Output.Outcome == KvOutcome.Found);
        var original = history[victim];
        history[victim] = KvOperation.Completed(
            original.ClientId, original.Command, original.CallTime, original.ReturnTime, KvOutput.Found("corrupted", original.Output.Version));

        var result = LinearizabilityChecker.Check(history);

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        var illegal = Assert.Single(result.IllegalKeys);
        Assert.Equal(original.Key, illegal.Key);
        Assert.Contains(history[victim], illegal.OperationsNotLinearizable);
    }

    [Fact]
    public void AcknowledgedWriteDroppedFromAGeneratedHistory_IsDetected()
    {
        // Rewrite a completed Put so that it wrote a value nobody read, then check: the reads that saw its real value now have no writer.
        var history = RandomHistoryGenerator.Generate(new HistoryGenerationOptions { Seed = 7, OperationCount = 2_000, KeyCount = 3 }).ToArray();
        var victim = Enumerable.Range(0, history.Length).First(i =>
            history[i].Kind == KvOperationKind.Put
            && !history[i].IsOutcomeUnknown
            && history.Any(read => read.Output.Outcome == KvOutcome.Found && read.Output.Value == history[i].Command.Value));
        var original = history[victim];
        history[victim] = KvOperation.Completed(
            original.ClientId, KvCommand.Put(original.Key, "never read"), original.CallTime, original.ReturnTime, original.Output);

        Assert.Equal(CheckOutcome.Illegal, LinearizabilityChecker.Check(history).Outcome);
    }

    [Fact]
    public void Verdict_DoesNotDependOnParallelism()
    {
        var history = RandomHistoryGenerator.Generate(new HistoryGenerationOptions { Seed = 3, OperationCount = 3_000, KeyCount = 6 }).ToArray();
        var victim = Array.FindIndex(history, op => op.Output.Outcome == KvOutcome.Found);
        history[victim] = KvOperation.Completed(
            history[victim].ClientId, history[victim].Command, history[victim].CallTime, history[victim].ReturnTime, KvOutput.Found("corrupted"));

        var sequential = LinearizabilityChecker.Check(history, new CheckOptions { MaxDegreeOfParallelism = 1 });
        var parallel = LinearizabilityChecker.Check(history, new CheckOptions { MaxDegreeOfParallelism = -1 });

        Assert.Equal(CheckOutcome.Illegal, sequential.Outcome);
        Assert.Equal(sequential.Keys.Select(k => (k.Key, k.Outcome)), parallel.Keys.Select(k => (k.Key, k.Outcome)));
        Assert.Equal(sequential.Describe(), parallel.Describe());
    }

    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 12));
}
