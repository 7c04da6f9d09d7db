using static OrleansKv.Linearizability.Tests.HistoryDsl;

namespace OrleansKv.Linearizability.Tests;

/// <summary>Histories no correct store can produce must be rejected.</summary>
public class ViolationTests
{
    [Fact]
    public void StaleReadAfterCompletedWrite_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(1, 20, 30, Put("b"), Written(2)),
        Op(2, 40, 50, Get(), Found("a", 1)));

    [Fact]
    public void StaleReadWithoutVersions_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written()),
        Op(1, 20, 30, Put("b"), Written()),
        Op(2, 40, 50, Get(), Found("a")));

    [Fact]
    public void AcknowledgedWriteNeverVisibleWhileLaterReadsSeeOlderValue_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(2, 20, 30, Append("+x"), Written(2)),
        Op(3, 40, 50, Get(), Found("a", 1)),
        Op(1, 60, 70, Get(), Found("a", 1)));

    [Fact]
    public void ReadOfValueNoOperationWrote_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(2, 20, 30, Get(), Found("ghost", 1)));

    [Fact]
    public void ReadOfValueWrittenByOperationCalledAfterTheReadReturned_IsIllegal() => AssertIllegal(
        Op(2, 0, 10, Get(), Found("late")),
        Op(1, 20, 30, Put("late"), Written()));

    [Fact]
    public void ReadOfValueFromUnknownOutcomeWriteCalledAfterTheReadReturned_IsIllegal() => AssertIllegal(
        Op(2, 0, 10, Get(), Found("late")),
        Lost(1, 20, Put("late")));

    [Fact]
    public void ReadSeeingNewValueThenLaterReadSeeingOldValue_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written()),
        Op(1, 20, 60, Put("b"), Written()),
        Op(2, 25, 30, Get(), Found("b")),
        Op(3, 35, 40, Get(), Found("a")));

    [Fact]
    public void DoubleAppliedAppend_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(1, 20, 30, Append("+x"), Written(2)),
        Op(2, 40, 50, Get(), Found("a+x+x")));

    [Fact]
    public void WriteVersionGoingBackwards_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(5)),
        Op(1, 20, 30, Put("b"), Written(3)));

    [Fact]
    public void TwoWritesReportingTheSameVersion_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(4)),
        Op(2, 0, 10, Put("b"), Written(4)));

    [Fact]
    public void ReadVersionDifferentFromTheWritersVersion_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(5)),
        Op(2, 20, 30, Get(), Found("a", 4)));

    [Fact]
    public void VersionChangingWithoutAnyWrite_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written()),
        Op(2, 20, 30, Get(), Found("a", 7)),
        Op(2, 40, 50, Get(), Found("a", 8)));

    [Fact]
    public void WriteVersionBelowAVersionAlreadyRead_IsIllegal() => AssertIllegal(
        Op(1, 0, 1, Put("a"), Written()),
        Op(2, 2, 3, Get(), Found("a", 7)),
        Op(1, 4, 5, Put("b"), Written(5)));

    [Fact]
    public void ReadOfDeletedKey_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(1, 20, 30, Delete(), KvOutput.Deleted()),
        Op(2, 40, 50, Get(), Found("a", 1)));

    [Fact]
    public void DeleteReportingThatAnAbsentKeyExisted_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Delete(), KvOutput.Deleted(existed: true)));

    [Fact]
    public void DeleteReportingThatAPresentKeyDidNotExist_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(1, 20, 30, Delete(), KvOutput.Deleted(existed: false)));

    [Fact]
    public void ReadOfAbsentKeyAfterCompletedWrite_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(2, 11, 20, Get(), KvOutput.NotFound));
}
