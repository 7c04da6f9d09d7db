using OrleansKv.Replica.Kv;
using static OrleansKv.Replica.Tests.Kv.KvRequests;

namespace OrleansKv.Replica.Tests.Kv;

public class KvApplyOrderTests
{
    private readonly KvStateMachine _machine = new(new KvLimits());

    [Fact]
    public void Skip_advances_the_applied_index_without_touching_data()
    {
        _machine.Apply(1, Put("k", "v"));
        _machine.Skip(2);
        _machine.Skip(5);

        Assert.Equal(5ul, _machine.AppliedIndex);
        Assert.Equal(1ul, _machine.Read(Get("k")).Version);
        Assert.Equal(6ul, _machine.Apply(6, Put("k", "w")).Version);
    }

    [Fact]
    public void Applying_at_the_same_index_twice_throws()
    {
        _machine.Apply(4, Put("k", "v"));

        Assert.Throws<InvalidOperationException>(() => _machine.Apply(4, Put("k", "again")));
        Assert.Equal("v", _machine.ValueOf("k"));
    }

    [Fact]
    public void Applying_or_skipping_below_the_applied_index_throws()
    {
        _machine.Skip(10);

        Assert.Throws<InvalidOperationException>(() => _machine.Apply(9, Put("k", "v")));
        Assert.Throws<InvalidOperationException>(() => _machine.Skip(10));
        Assert.Throws<InvalidOperationException>(() => _machine.Skip(3));
        Assert.Equal(10ul, _machine.AppliedIndex);
        Assert.Equal(0, _machine.KeyCount);
    }

    [Fact]
    public void Index_zero_is_never_applicable()
    {
        Assert.Throws<InvalidOperationException>(() => _machine.Skip(0));
        Assert.Throws<InvalidOperationException>(() => _machine.Apply(0, Put("k", "v")));
    }

    [Fact]
    public void After_a_restore_only_indexes_above_the_snapshot_apply()
    {
        var source = new KvStateMachine(new KvLimits());
        source.Apply(1, Put("k", "v"));
        source.Skip(8);

        _machine.RestoreSnapshot(8, source.CreateSnapshot());

        Assert.Equal(8ul, _machine.AppliedIndex);
        Assert.Throws<InvalidOperationException>(() => _machine.Apply(8, Put("k", "w")));
        Assert.Equal(9ul, _machine.Apply(9, Put("k", "w")).Version);
    }

    [Fact]
    public void Limits_that_make_no_sense_are_refused_at_construction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvStateMachine(new KvLimits { MaxKeyBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvStateMachine(new KvLimits { MaxValueBytes = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvStateMachine(new KvLimits { SessionTimeoutMilliseconds = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvStateMachine(new KvLimits { MaxAnswersPerSession = 0 }));
    }
}
