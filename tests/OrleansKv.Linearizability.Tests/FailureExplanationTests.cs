using static OrleansKv.Linearizability.Tests.HistoryDsl;

namespace OrleansKv.Linearizability.Tests;

/// <summary>An illegal verdict must say which key, how far the history does linearize, and what cannot come next.</summary>
public class FailureExplanationTests
{
    [Fact]
    public void IllegalKey_ReportsLongestLinearizablePrefixAndTheOperationsStuckAfterIt()
    {
        var putA = Op(1, 0, 10, Put("a"), Written(1));
        var putB = Op(1, 20, 30, Put("b"), Written(2));
        var staleRead = Op(2, 40, 50, Get(), Found("a", 1));

        var result = AssertIllegal(putA, putB, staleRead);

        var key = Assert.Single(result.Keys);
        Assert.Equal("k", key.Key);
        Assert.Equal([putA, putB], key.LongestLinearizablePrefix);
        Assert.Equal([staleRead], key.OperationsNotLinearizable);
        Assert.NotNull(key.Explanation);
        Assert.Contains("Key \"k\"", key.Explanation);
        Assert.Contains("#2 client 2: Get(\"k\") -> found \"a\" v1", key.Explanation);
        Assert.Contains("it read \"a\", but the key holds \"b\" v2", key.Explanation);
    }

    [Fact]
    public void OnlyTheViolatingKey_IsReportedIllegal()
    {
        var result = AssertIllegal(
            Op(1, 0, 10, Put("a", key: "good"), Written(1)),
            Op(1, 20, 30, Get("good"), Found("a", 1)),
            Op(2, 0, 10, Get("bad"), Found("ghost")));

        Assert.Equal(["bad", "good"], result.Keys.Select(k => k.Key));
        Assert.Equal([CheckOutcome.Illegal, CheckOutcome.Ok], result.Keys.Select(k => k.Outcome));
        Assert.Null(result.Keys[1].Explanation);
        Assert.Contains("bad", result.Describe());
    }

    [Fact]
    public void LinearizableHistory_HasNoExplanation()
    {
        var result = Check(Op(1, 0, 10, Put("a"), Written(1)));

        Assert.True(result.IsOk);
        Assert.All(result.Keys, k => Assert.Null(k.Explanation));
    }
}
