using static OrleansKv.Linearizability.Tests.HistoryDsl;

namespace OrleansKv.Linearizability.Tests;

/// <summary>An operation whose outcome is unknown may take effect once, at any time after its call, or never.</summary>
public class UnknownOutcomeTests
{
    [Fact]
    public void UnknownWriteThatTookEffect_IsLinearizable() => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written(1)),
        Lost(1, 20, Put("b")),
        Op(2, 30, 40, Get(), Found("b", 2)));

    [Fact]
    public void UnknownWriteThatNeverTookEffect_IsLinearizable() => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written(1)),
        Lost(1, 20, Put("b")),
        Op(2, 30, 40, Get(), Found("a", 1)),
        Op(2, 50, 60, Get(), Found("a", 1)));

    [Fact]
    public void UnknownWrite_MayTakeEffectLongAfterTheClientGaveUp() => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written(1)),
        Lost(1, 20, Put("b")),
        Op(1, 30, 40, Get(), Found("a", 1)),
        Op(2, 1000, 1010, Get(), Found("b", 9)));

    [Fact]
    public void UnknownWriteSeenThenUnseenWithoutAnotherWrite_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Lost(1, 20, Put("b")),
        Op(2, 30, 40, Get(), Found("b")),
        Op(2, 50, 60, Get(), Found("a")));

    [Fact]
    public void UnknownAppend_TakesEffectAtMostOnce() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Lost(1, 20, Append("+x")),
        Op(2, 30, 40, Get(), Found("a+x")),
        Op(2, 50, 60, Get(), Found("a+x+x")));

    [Fact]
    public void UnknownWriteVersion_IsPinnedByTheFirstReadThatReportsIt() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Lost(1, 20, Put("b")),
        Op(2, 30, 40, Get(), Found("b", 3)),
        Op(2, 50, 60, Get(), Found("b", 4)));

    [Fact]
    public void UnknownWriteVersion_MustExceedThePreviousVersion() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(5)),
        Lost(1, 20, Put("b")),
        Op(2, 30, 40, Get(), Found("b", 5)));

    [Fact]
    public void UnknownSwap_MayTakeEffectWhenItsExpectedVersionIsCurrent() => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written(1)),
        Lost(2, 20, Cas(1, "b")),
        Op(3, 30, 40, Get(), Found("b", 2)));

    [Fact]
    public void UnknownSwapAgainstAStaleVersion_CannotTakeEffect() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(1, 20, 30, Put("c"), Written(2)),
        Lost(2, 40, Cas(1, "b")),
        Op(3, 50, 60, Get(), Found("b")));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UnknownDelete_MayOrMayNotTakeEffect(bool tookEffect) => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written(1)),
        Lost(1, 20, Delete()),
        Op(2, 30, 40, Get(), tookEffect ? KvOutput.NotFound : Found("a", 1)));

    [Fact]
    public void UnknownGet_ConstrainsNothing() => AssertLinearizable(
        Lost(1, 0, Get()),
        Op(2, 10, 20, Put("a"), Written(1)),
        Op(1, 30, 40, Get(), Found("a", 1)));

    [Fact]
    public void HistoryOfOnlyUnknownOperations_IsLinearizable() => AssertLinearizable(
        Lost(1, 0, Put("a")),
        Lost(2, 0, Append("b")),
        Lost(3, 0, Cas(7, "c")));

    [Fact]
    public void ManyConcurrentUnknownAppends_CanExplainAReadOfSomeOfThemInSomeOrder() => AssertLinearizable(
        [
            .. Enumerable.Range(0, 12).Select(i => Lost(i, i, Append($"<{i}>"))),
            Op(99, 100, 110, Get(), Found("<7><2><11>")),
        ]);
}
