using static OrleansKv.Linearizability.Tests.HistoryDsl;

namespace OrleansKv.Linearizability.Tests;

/// <summary>CompareAndSet succeeds iff the key's current version equals the expected one; expected 0 means "absent".</summary>
public class CompareAndSetTests
{
    [Fact]
    public void ChainOfSwapsEachExpectingThePreviousVersion_IsLinearizable() => AssertLinearizable(
        Op(1, 0, 1, Cas(0, "a"), KvOutput.Swapped(1)),
        Op(2, 2, 3, Cas(1, "b"), KvOutput.Swapped(2)),
        Op(1, 4, 5, Cas(1, "c"), KvOutput.SwapRejected(2)),
        Op(1, 6, 7, Cas(2, "d"), KvOutput.Swapped(3)),
        Op(2, 8, 9, Get(), Found("d", 3)));

    [Fact]
    public void CreateIfAbsent_IsRejectedWhenTheKeyExists() => AssertLinearizable(
        Op(1, 0, 1, Put("a"), Written(1)),
        Op(2, 2, 3, Cas(0, "b"), KvOutput.SwapRejected(1)));

    [Fact]
    public void CreateIfAbsentSucceedingWhenTheKeyExists_IsIllegal() => AssertIllegal(
        Op(1, 0, 1, Put("a"), Written(1)),
        Op(2, 2, 3, Cas(0, "b"), KvOutput.Swapped(2)));

    [Fact]
    public void CreateIfAbsent_SucceedsAfterDelete() => AssertLinearizable(
        Op(1, 0, 1, Put("a"), Written(1)),
        Op(1, 2, 3, Delete(), KvOutput.Deleted()),
        Op(2, 4, 5, Cas(0, "b"), KvOutput.Swapped(3)),
        Op(2, 6, 7, Get(), Found("b", 3)));

    [Fact]
    public void SwapAgainstAVersionThatIsNoLongerCurrent_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(1, 20, 30, Put("b"), Written(2)),
        Op(2, 40, 50, Cas(1, "c"), KvOutput.Swapped(3)));

    [Fact]
    public void RejectionWhileTheExpectedVersionIsCurrent_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(2, 20, 30, Cas(1, "b"), KvOutput.SwapRejected()));

    [Fact]
    public void RejectionReportingACurrentVersionTheKeyDoesNotHave_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(1)),
        Op(2, 20, 30, Cas(5, "b"), KvOutput.SwapRejected(3)));

    [Fact]
    public void SwapAssignedAVersionNotAboveTheOneItReplaced_IsIllegal() => AssertIllegal(
        Op(1, 0, 10, Put("a"), Written(4)),
        Op(2, 20, 30, Cas(4, "b"), KvOutput.Swapped(4)));

    [Fact]
    public void OfTwoConcurrentSwapsOnTheSameVersion_OneMayWin() => AssertLinearizable(
        Op(1, 0, 1, Put("a"), Written(1)),
        Op(1, 2, 10, Cas(1, "b"), KvOutput.Swapped(2)),
        Op(2, 2, 10, Cas(1, "c"), KvOutput.SwapRejected(2)));

    [Fact]
    public void TwoConcurrentSwapsOnTheSameVersionBothWinning_IsIllegal() => AssertIllegal(
        Op(1, 0, 1, Put("a"), Written(1)),
        Op(1, 2, 10, Cas(1, "b"), KvOutput.Swapped()),
        Op(2, 2, 10, Cas(1, "c"), KvOutput.Swapped()));

    [Fact]
    public void SwapOnAnUnreportedVersion_PinsItToTheExpectedVersion() => AssertIllegal(
        Op(1, 0, 1, Put("a"), Written()),
        Op(2, 2, 3, Cas(5, "b"), KvOutput.Swapped()),
        Op(1, 4, 5, Put("c"), Written(5)));

    [Fact]
    public void SwapOnAnUnreportedVersion_IsAcceptedWhenLaterVersionsAreHigher() => AssertLinearizable(
        Op(1, 0, 1, Put("a"), Written()),
        Op(2, 2, 3, Cas(5, "b"), KvOutput.Swapped()),
        Op(1, 4, 5, Get(), Found("b", 6)));

    [Fact]
    public void RejectionWithoutReportedVersion_RulesOutTheExpectedVersionForAnUnreportedOne() => AssertIllegal(
        Op(1, 0, 1, Put("a"), Written()),
        Op(2, 2, 3, Cas(5, "b"), KvOutput.SwapRejected()),
        Op(1, 4, 5, Get(), Found("a", 5)));

    [Fact]
    public void RejectionWithoutReportedVersion_LeavesOtherVersionsPossible() => AssertLinearizable(
        Op(1, 0, 1, Put("a"), Written()),
        Op(2, 2, 3, Cas(5, "b"), KvOutput.SwapRejected()),
        Op(1, 4, 5, Get(), Found("a", 6)));
}
