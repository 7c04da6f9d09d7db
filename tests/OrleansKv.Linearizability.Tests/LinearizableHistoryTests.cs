using static OrleansKv.Linearizability.Tests.HistoryDsl;

namespace OrleansKv.Linearizability.Tests;

/// <summary>Hand-built histories that a correct store can produce must be accepted.</summary>
public class LinearizableHistoryTests
{
    [Fact]
    public void EmptyHistory_IsLinearizable() => AssertLinearizable();

    [Fact]
    public void SequentialHistoryOfEveryCommand_IsLinearizable() => AssertLinearizable(
        Op(1, 0, 1, Get(), KvOutput.NotFound),
        Op(1, 2, 3, Put("a"), Written(1)),
        Op(2, 4, 5, Get(), Found("a", 1)),
        Op(1, 6, 7, Append("+b"), Written(2)),
        Op(2, 8, 9, Get(), Found("a+b", 2)),
        Op(1, 10, 11, Delete(), KvOutput.Deleted(existed: true)),
        Op(2, 12, 13, Get(), KvOutput.NotFound),
        Op(1, 14, 15, Delete(), KvOutput.Deleted(existed: false)),
        Op(2, 16, 17, Put("c"), Written(5)),
        Op(1, 18, 19, Get(), Found("c", 5)));

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void OverlappingWritesWithoutVersions_MayTakeEffectInEitherOrder(string lastWriter) => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written()),
        Op(2, 5, 15, Put("b"), Written()),
        Op(3, 20, 30, Get(), Found(lastWriter)));

    [Theory]
    [InlineData(1, 2, "b")]
    [InlineData(2, 1, "a")]
    public void OverlappingWrites_MayTakeEffectInEitherOrderConsistentWithTheirVersions(long versionOfA, long versionOfB, string lastWriter) =>
        AssertLinearizable(
            Op(1, 0, 10, Put("a"), Written(versionOfA)),
            Op(2, 5, 15, Put("b"), Written(versionOfB)),
            Op(3, 20, 30, Get(), Found(lastWriter, Math.Max(versionOfA, versionOfB))));

    [Theory]
    [InlineData("a", 1L)]
    [InlineData("b", 2L)]
    public void ReadConcurrentWithWrite_MaySeeOldOrNewValue(string seen, long version) => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(1, 20, 40, Put("b"), Written(2)),
        Op(2, 25, 30, Get(), Found(seen, version)));

    [Fact]
    public void ReadsConcurrentWithWrite_MaySeeOldThenNewValue() => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(1, 20, 60, Put("b"), Written(2)),
        Op(2, 25, 30, Get(), Found("a", 1)),
        Op(3, 35, 40, Get(), Found("b", 2)));

    [Fact]
    public void AppendToAbsentKey_CreatesItWithTheSuffix() => AssertLinearizable(
        Op(1, 0, 10, Append("x"), Written(1)),
        Op(1, 20, 30, Get(), Found("x", 1)));

    [Theory]
    [InlineData("xy")]
    [InlineData("yx")]
    public void ConcurrentAppends_MayApplyInEitherOrder(string seen) => AssertLinearizable(
        Op(1, 0, 10, Append("x"), Written()),
        Op(2, 0, 10, Append("y"), Written()),
        Op(3, 20, 30, Get(), Found(seen)));

    [Fact]
    public void DeleteThenRecreate_IsLinearizableWithLaterVersion() => AssertLinearizable(
        Op(1, 0, 1, Put("a"), Written(3)),
        Op(1, 2, 3, Delete(), KvOutput.Deleted()),
        Op(2, 4, 5, Delete(), KvOutput.Deleted(existed: false)),
        Op(2, 6, 7, Put("b"), Written(7)),
        Op(1, 8, 9, Get(), Found("b", 7)));

    [Fact]
    public void DeleteWithUnreportedExistence_IsAcceptedEitherWay() => AssertLinearizable(
        Op(1, 0, 1, Delete(), KvOutput.Deleted(existed: null)),
        Op(1, 2, 3, Put("a"), Written()),
        Op(1, 4, 5, Delete(), KvOutput.Deleted(existed: null)),
        Op(1, 6, 7, Get(), KvOutput.NotFound));

    [Fact]
    public void OperationsOnDifferentKeys_AreCheckedIndependently() => AssertLinearizable(
        Op(1, 0, 10, Put("a", key: "x"), Written(1)),
        Op(2, 0, 10, Put("b", key: "y"), Written(2)),
        Op(1, 20, 30, Get("y"), Found("b", 2)),
        Op(2, 20, 30, Get("x"), Found("a", 1)));

    [Fact]
    public void OperationsTouchingTheSameInstant_CountAsConcurrent() => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(2, 10, 20, Get(), KvOutput.NotFound));

    [Fact]
    public void ReadThatReportsAVersion_PinsAnUnreportedWriteVersion() => AssertLinearizable(
        Op(1, 0, 1, Put("a"), Written()),
        Op(2, 2, 3, Get(), Found("a", 7)),
        Op(2, 4, 5, Get(), Found("a", 7)),
        Op(1, 6, 7, Put("b"), Written(9)));

    [Fact]
    public void UnreportedVersions_LetValuesBeCheckedAlone() => AssertLinearizable(
        Op(1, 0, 10, Put("a"), Written()),
        Op(2, 5, 15, Append("b"), Written()),
        Op(3, 20, 30, Get(), Found("ab")),
        Op(3, 40, 50, Cas(0, "c"), KvOutput.SwapRejected()),
        Op(1, 60, 70, Delete(), KvOutput.Deleted()),
        Op(2, 80, 90, Cas(0, "d"), KvOutput.Swapped()),
        Op(3, 100, 110, Get(), Found("d")));
}
