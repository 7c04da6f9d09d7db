using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using static OrleansKv.Replica.Tests.Kv.KvRequests;

namespace OrleansKv.Replica.Tests.Kv;

public class KvConditionTests
{
    private readonly KvStateMachine _machine = new(new KvLimits());

    public KvConditionTests() => _machine.Apply(5, Put("k", "current"));

    private void AssertFailedAndUnchanged(KvResponse answer, ulong currentVersion)
    {
        Assert.Equal(KvStatus.ConditionFailed, answer.Status);
        Assert.Equal(currentVersion, answer.Version);
        Assert.False(string.IsNullOrEmpty(answer.Message));
        var read = _machine.Read(Get("k"));
        Assert.Equal("current", read.Value.ToStringUtf8());
        Assert.Equal(5ul, read.Version);
    }

    [Fact]
    public void Version_equals_succeeds_when_the_version_matches()
    {
        var answer = _machine.Apply(6, Put("k", "next", VersionEquals(5)));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.Equal(6ul, answer.Version);
        Assert.Equal("next", _machine.ValueOf("k"));
    }

    [Fact]
    public void Version_equals_fails_with_the_current_version_when_it_does_not_match()
    {
        AssertFailedAndUnchanged(_machine.Apply(6, Put("k", "next", VersionEquals(4))), currentVersion: 5);
    }

    [Fact]
    public void Version_equals_zero_creates_an_absent_key()
    {
        var answer = _machine.Apply(6, Put("fresh", "v", VersionEquals(0)));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.Equal("v", _machine.ValueOf("fresh"));
    }

    [Fact]
    public void Version_equals_zero_fails_on_an_existing_key()
    {
        AssertFailedAndUnchanged(_machine.Apply(6, Put("k", "next", VersionEquals(0))), currentVersion: 5);
    }

    [Fact]
    public void Version_equals_on_an_absent_key_fails_with_version_zero()
    {
        var answer = _machine.Apply(6, Put("absent", "v", VersionEquals(5)));

        Assert.Equal(KvStatus.ConditionFailed, answer.Status);
        Assert.Equal(0ul, answer.Version);
        Assert.Equal(KvStatus.NotFound, _machine.Read(Get("absent")).Status);
    }

    [Fact]
    public void Must_exist_succeeds_on_an_existing_key()
    {
        var answer = _machine.Apply(6, Append("k", "+", MustExist()));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.Equal("current+", _machine.ValueOf("k"));
    }

    [Fact]
    public void Must_exist_fails_on_an_absent_key_and_does_not_create_it()
    {
        var answer = _machine.Apply(6, Append("absent", "v", MustExist()));

        Assert.Equal(KvStatus.ConditionFailed, answer.Status);
        Assert.Equal(0ul, answer.Version);
        Assert.Equal(KvStatus.NotFound, _machine.Read(Get("absent")).Status);
    }

    [Fact]
    public void Must_not_exist_succeeds_on_an_absent_key()
    {
        var answer = _machine.Apply(6, Put("fresh", "v", MustNotExist()));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.Equal(6ul, _machine.Read(Get("fresh")).Version);
    }

    [Fact]
    public void Must_not_exist_fails_on_an_existing_key()
    {
        AssertFailedAndUnchanged(_machine.Apply(6, Put("k", "next", MustNotExist())), currentVersion: 5);
    }

    [Fact]
    public void Value_equals_succeeds_when_the_bytes_match()
    {
        var answer = _machine.Apply(6, Put("k", "swapped", ValueEquals("current")));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.Equal("swapped", _machine.ValueOf("k"));
    }

    [Fact]
    public void Value_equals_fails_when_the_bytes_differ()
    {
        AssertFailedAndUnchanged(_machine.Apply(6, Put("k", "swapped", ValueEquals("curren"))), currentVersion: 5);
    }

    [Fact]
    public void Value_equals_an_empty_value_fails_on_an_absent_key()
    {
        var answer = _machine.Apply(6, Put("absent", "v", ValueEquals("")));

        Assert.Equal(KvStatus.ConditionFailed, answer.Status);
        Assert.Equal(0ul, answer.Version);
    }

    [Fact]
    public void A_conditional_delete_deletes_only_when_the_condition_holds()
    {
        AssertFailedAndUnchanged(_machine.Apply(6, Delete("k", VersionEquals(3))), currentVersion: 5);

        var answer = _machine.Apply(7, Delete("k", VersionEquals(5)));
        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.True(answer.Existed);
        Assert.Equal(KvStatus.NotFound, _machine.Read(Get("k")).Status);
    }

    [Fact]
    public void A_delete_of_an_absent_key_with_a_failing_condition_is_condition_failed()
    {
        var answer = _machine.Apply(6, Delete("absent", MustExist()));

        Assert.Equal(KvStatus.ConditionFailed, answer.Status);
        Assert.False(answer.Existed);
    }

    [Fact]
    public void An_empty_condition_is_no_condition()
    {
        var answer = _machine.Apply(6, Put("k", "next", new Condition()));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.Equal("next", _machine.ValueOf("k"));
    }
}
