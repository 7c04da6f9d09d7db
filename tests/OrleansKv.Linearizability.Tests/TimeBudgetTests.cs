using static OrleansKv.Linearizability.Tests.HistoryDsl;

namespace OrleansKv.Linearizability.Tests;

/// <summary>The check must end with Unknown, not hang, when the search space is too large for the budget.</summary>
public class TimeBudgetTests
{
    // 40 concurrent appends that may each take effect or not, in any order, and a read that contains every suffix
    // but that no order explains (it ends with text nobody wrote): proving it illegal means visiting every ordering
    // of every subset of the appends, far beyond any budget.
    private static KvOperation[] PathologicalHistory() =>
    [
        .. Enumerable.Range(0, 40).Select(i => Lost(i, i, Append($"<{i}>"))),
        Op(99, 100, 110, Get(), Found(string.Concat(Enumerable.Range(0, 40).Select(i => $"<{i}>")) + "!")),
    ];

    [Fact]
    public void ExhaustedTimeBudget_YieldsUnknownInsteadOfHanging()
    {
        var result = LinearizabilityChecker.Check(PathologicalHistory(), TimeSpan.FromMilliseconds(200));

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
        var key = Assert.Single(result.Keys);
        Assert.Equal(CheckOutcome.Unknown, key.Outcome);
        Assert.Contains("time budget", key.Explanation);
    }

    [Fact]
    public void CancelledToken_YieldsUnknown()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var result = LinearizabilityChecker.Check(PathologicalHistory(), options: null, cancelled.Token);

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public void IllegalKey_DecidesTheVerdictEvenWhenAnotherKeyRunsOutOfBudget()
    {
        KvOperation[] history =
        [
            .. PathologicalHistory(),
            Op(1, 0, 10, Put("a", key: "other"), Written(1)),
            Op(1, 20, 30, Get("other"), KvOutput.NotFound),
        ];

        var result = LinearizabilityChecker.Check(history, TimeSpan.FromMilliseconds(200));

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        Assert.Equal("other", Assert.Single(result.IllegalKeys).Key);
    }
}
