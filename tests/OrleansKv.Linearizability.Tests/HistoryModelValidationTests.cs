namespace OrleansKv.Linearizability.Tests;

/// <summary>Malformed operations are rejected when built, so a checker verdict is never about a malformed history.</summary>
public class HistoryModelValidationTests
{
    [Fact]
    public void ReturnBeforeCall_IsRejected() =>
        Assert.Throws<ArgumentException>(() => KvOperation.Completed(1, KvCommand.Get("k"), 10, 5, KvOutput.NotFound));

    [Fact]
    public void UnknownOutputWithAReturnTime_IsRejected() =>
        Assert.Throws<ArgumentException>(() => KvOperation.Completed(1, KvCommand.Get("k"), 0, 5, KvOutput.Unknown));

    [Fact]
    public void KnownOutputThatNeverReturned_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new KvOperation(1, KvCommand.Get("k"), 0, KvOperation.NeverReturned, KvOutput.NotFound));

    [Fact]
    public void OutputOfAnotherCommandKind_IsRejected() =>
        Assert.Throws<ArgumentException>(() => KvOperation.Completed(1, KvCommand.Put("k", "v"), 0, 5, KvOutput.Swapped(1)));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AssignedVersionThatIsNotPositive_IsRejected(long version) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KvOutput.Written(version));

    [Fact]
    public void CurrentVersionZeroInARejectedSwap_MeansAbsentAndIsAccepted() =>
        Assert.Equal(0, KvOutput.SwapRejected(0).Version);

    [Fact]
    public void NegativeExpectedVersion_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KvCommand.CompareAndSet("k", -1, "v"));

    [Fact]
    public void DefaultOutput_IsUnknown() => Assert.True(default(KvOutput).IsUnknown);
}
