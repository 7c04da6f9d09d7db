using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using static OrleansKv.Replica.Tests.Kv.KvRequests;

namespace OrleansKv.Replica.Tests.Kv;

public class KvOperationTests
{
    private readonly KvStateMachine _machine = new(new KvLimits());

    [Fact]
    public void A_put_stores_the_value_with_the_log_index_as_its_version()
    {
        var answer = _machine.Apply(3, Put("k", "v1"));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.Equal(3ul, answer.Version);
        var read = _machine.Read(Get("k"));
        Assert.Equal(KvStatus.Ok, read.Status);
        Assert.Equal("v1", read.Value.ToStringUtf8());
        Assert.Equal(3ul, read.Version);
        Assert.Equal(3ul, _machine.AppliedIndex);
        Assert.Equal(1, _machine.KeyCount);
    }

    [Fact]
    public void A_second_put_replaces_the_value_and_takes_the_new_index_as_version()
    {
        _machine.Apply(1, Put("k", "old"));
        var answer = _machine.Apply(7, Put("k", "new"));

        Assert.Equal(7ul, answer.Version);
        var read = _machine.Read(Get("k"));
        Assert.Equal("new", read.Value.ToStringUtf8());
        Assert.Equal(7ul, read.Version);
        Assert.Equal(1, _machine.KeyCount);
    }

    [Fact]
    public void An_absent_key_reads_as_not_found_with_version_zero()
    {
        var read = _machine.Read(Get("missing"));

        Assert.Equal(KvStatus.NotFound, read.Status);
        Assert.Equal(0ul, read.Version);
        Assert.True(read.Value.IsEmpty);
    }

    [Fact]
    public void Append_creates_an_absent_key_then_concatenates()
    {
        Assert.Equal(2ul, _machine.Apply(2, Append("log", "ab")).Version);
        var second = _machine.Apply(4, Append("log", "cd"));

        Assert.Equal(KvStatus.Ok, second.Status);
        Assert.Equal(4ul, second.Version);
        Assert.True(second.Value.IsEmpty);
        Assert.Equal("abcd", _machine.ValueOf("log"));
        Assert.Equal(4ul, _machine.Read(Get("log")).Version);
    }

    [Fact]
    public void Delete_removes_the_key_and_reports_that_it_existed()
    {
        _machine.Apply(1, Put("k", "v"));
        var answer = _machine.Apply(2, Delete("k"));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.True(answer.Existed);
        Assert.Equal(2ul, answer.Version);
        Assert.Equal(KvStatus.NotFound, _machine.Read(Get("k")).Status);
        Assert.Equal(0, _machine.KeyCount);
    }

    [Fact]
    public void Delete_of_an_absent_key_is_ok_and_reports_that_it_did_not_exist()
    {
        var answer = _machine.Apply(1, Delete("never"));

        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.False(answer.Existed);
        Assert.Equal(0, _machine.KeyCount);
    }

    [Fact]
    public void A_deleted_key_recreated_starts_from_the_new_index_and_the_new_value()
    {
        _machine.Apply(1, Append("k", "first"));
        _machine.Apply(2, Delete("k"));
        var recreated = _machine.Apply(5, Append("k", "second"));

        Assert.Equal(5ul, recreated.Version);
        Assert.Equal("second", _machine.ValueOf("k"));
        Assert.Equal(5ul, _machine.Read(Get("k")).Version);
    }

    [Fact]
    public void Keys_are_compared_by_bytes_not_by_reference()
    {
        _machine.Apply(1, Put("same", "v"));
        var lookup = new KvRequest { Operation = KvOperation.Get, Key = Google.Protobuf.ByteString.CopyFrom("same"u8.ToArray()) };

        Assert.Equal(KvStatus.Ok, _machine.Read(lookup).Status);
        Assert.Equal(KvStatus.NotFound, _machine.Read(Get("Same")).Status);
    }

    [Fact]
    public void An_empty_value_is_a_value()
    {
        _machine.Apply(1, Put("k", ""));

        var read = _machine.Read(Get("k"));
        Assert.Equal(KvStatus.Ok, read.Status);
        Assert.True(read.Value.IsEmpty);
        Assert.Equal(1ul, read.Version);
    }

    [Fact]
    public void A_get_in_the_log_is_a_bad_request_and_changes_nothing_but_the_applied_index()
    {
        _machine.Apply(1, Put("k", "v"));
        var answer = _machine.Apply(2, Get("k"));

        Assert.Equal(KvStatus.BadRequest, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Message));
        Assert.Equal(2ul, _machine.AppliedIndex);
        Assert.Equal(1ul, _machine.Read(Get("k")).Version);
    }

    [Fact]
    public void Read_serves_only_gets()
    {
        _machine.Apply(1, Put("k", "v"));

        Assert.Equal(KvStatus.BadRequest, _machine.Read(Put("k", "w")).Status);
        Assert.Equal("v", _machine.ValueOf("k"));
    }

    [Fact]
    public void Changing_a_returned_answer_does_not_change_the_stored_value()
    {
        _machine.Apply(1, Put("k", "v"));
        var read = _machine.Read(Get("k"));
        read.Value = Bytes("tampered");
        read.Stale = true;

        var again = _machine.Read(Get("k"));
        Assert.Equal("v", again.Value.ToStringUtf8());
        Assert.False(again.Stale);
    }
}
