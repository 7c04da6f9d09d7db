using System.Buffers.Binary;
using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using static OrleansKv.Replica.Tests.Kv.KvRequests;

namespace OrleansKv.Replica.Tests.Kv;

public class KvSnapshotTests
{
    private static readonly KvLimits Limits = new() { SessionTimeoutMilliseconds = 60_000 };

    // A history touching every kind of state: values, appends, deletes, sessions with answers, a horizon, skips.
    private static IReadOnlyList<(ulong Index, KvCommand? Command)> History()
    {
        var history = new List<(ulong, KvCommand?)>();
        ulong index = 0;
        void Add(KvRequest request, long at) => history.Add((++index, Command(request, at)));

        Add(Put("alpha", "1"), 1_000);
        Add(Append("beta", "x").From(clientId: 7, sequence: 1), 1_100);
        Add(Append("beta", "y").From(clientId: 7, sequence: 2), 1_200);
        history.Add((++index, null));
        Add(Put("gamma", "g", MustNotExist()).From(clientId: 9, sequence: 1), 1_300);
        Add(Put("gamma", "h", VersionEquals(1)).From(clientId: 9, sequence: 2), 1_400);
        Add(Delete("alpha").From(clientId: 7, sequence: 3, ackedBelow: 2), 1_500);
        Add(Put("delta", new string('d', 300)), 1_600);
        Add(new KvRequest { Operation = KvOperation.Put, Key = Google.Protobuf.ByteString.CopyFrom(0, 255, 128), Value = Bytes("binary") }, 1_700);
        return history;
    }

    private static KvStateMachine Replay(IEnumerable<(ulong Index, KvCommand? Command)> entries, KvStateMachine? machine = null)
    {
        machine ??= new KvStateMachine(Limits);
        foreach (var (index, command) in entries)
        {
            if (command is null) machine.Skip(index);
            else machine.Apply(index, command);
        }
        return machine;
    }

    [Fact]
    public void Two_machines_fed_the_same_commands_have_equal_digests()
    {
        var first = Replay(History());
        var second = Replay(History());

        Assert.Equal(first.StateDigest(), second.StateDigest());
    }

    [Fact]
    public void A_different_history_gives_a_different_digest()
    {
        var first = Replay(History());
        var second = Replay(History());
        second.Apply(100, Put("extra", "v"));
        first.Apply(100, Put("extra", "w"));

        Assert.NotEqual(first.StateDigest(), second.StateDigest());
    }

    [Fact]
    public void A_prepared_snapshot_is_encoded_from_the_frozen_state_as_it_is_read_each_time_it_is_opened()
    {
        var machine = Replay(History());
        ulong index = 100;
        for (var i = 0; i < 3_000; i++) machine.Apply(++index, Put($"key-{i:D5}", new string((char)('a' + i % 26), 100)));
        var expected = machine.CreateSnapshot();
        var digest = machine.StateDigest();

        var source = machine.PrepareSnapshot()();
        // A write after the freeze is not in it.
        machine.Apply(++index, Put("key-00000", "changed"));
        Assert.True(source.Length > 200_000, $"{source.Length} bytes");
        Assert.Equal(expected.Length, source.Length);
        for (var pass = 0; pass < 2; pass++)
        {
            // In pieces far smaller than the encoder's buffer: it stops and resumes between keys.
            using var stream = source.Open();
            var read = new MemoryStream();
            var piece = new byte[1000];
            int count;
            while ((count = stream.Read(piece)) > 0) read.Write(piece, 0, count);
            Assert.Equal(expected, read.ToArray());
        }

        var restored = new KvStateMachine(Limits);
        restored.RestoreSnapshot(index - 1, source.ReadAll());
        Assert.Equal(digest, restored.StateDigest());
    }

    [Fact]
    public void A_snapshot_round_trip_preserves_data_versions_sessions_and_digest()
    {
        var original = Replay(History());
        var snapshot = original.CreateSnapshot();

        var restored = new KvStateMachine(Limits);
        restored.RestoreSnapshot(original.AppliedIndex, snapshot);

        Assert.Equal(original.StateDigest(), restored.StateDigest());
        Assert.Equal(original.AppliedIndex, restored.AppliedIndex);
        Assert.Equal(original.KeyCount, restored.KeyCount);
        Assert.Equal(original.SessionCount, restored.SessionCount);
        Assert.Equal(original.ClockUnixMilliseconds, restored.ClockUnixMilliseconds);
        foreach (var key in new[] { "alpha", "beta", "gamma", "delta" })
            Assert.Equal(original.Read(Get(key)), restored.Read(Get(key)));
        Assert.Equal("xy", restored.ValueOf("beta"));
        Assert.Equal(snapshot, restored.CreateSnapshot());
    }

    [Fact]
    public void A_restored_machine_still_deduplicates_retries_and_refuses_stale_sequences()
    {
        var original = Replay(History());
        var restored = new KvStateMachine(Limits);
        restored.RestoreSnapshot(original.AppliedIndex, original.CreateSnapshot());
        var next = original.AppliedIndex + 1;

        var retry = restored.Apply(next, Append("beta", "y").From(clientId: 7, sequence: 2), 2_000);
        var stale = restored.Apply(next + 1, Append("beta", "x").From(clientId: 7, sequence: 1), 2_000);
        var conditionRetry = restored.Apply(next + 2, Put("gamma", "h", VersionEquals(1)).From(clientId: 9, sequence: 2), 2_000);

        Assert.Equal(3ul, retry.Version);
        Assert.Equal(KvStatus.StaleSequence, stale.Status);
        Assert.Equal(KvStatus.ConditionFailed, conditionRetry.Status);
        Assert.Equal("xy", restored.ValueOf("beta"));
    }

    [Fact]
    public void A_restored_machine_and_the_original_stay_equal_when_fed_the_same_commands()
    {
        var original = Replay(History());
        var restored = new KvStateMachine(Limits);
        restored.RestoreSnapshot(original.AppliedIndex, original.CreateSnapshot());

        var more = new List<(ulong, KvCommand?)>();
        for (ulong i = 1; i <= 50; i++)
        {
            var request = i % 3 == 0 ? Delete($"k{i % 7}") : Append($"k{i % 7}", "z").From(clientId: 7, sequence: 3 + i, ackedBelow: 2 + i);
            more.Add((original.AppliedIndex + i, Command(request, 2_000 + (long)i * 10_000)));
        }
        Replay(more, original);
        Replay(more, restored);

        Assert.Equal(original.StateDigest(), restored.StateDigest());
    }

    [Fact]
    public void Restoring_replaces_everything_the_machine_held()
    {
        var source = new KvStateMachine(Limits);
        source.Apply(1, Put("only", "this"));
        var target = Replay(History());

        target.RestoreSnapshot(1, source.CreateSnapshot());

        Assert.Equal(1, target.KeyCount);
        Assert.Equal(0, target.SessionCount);
        Assert.Equal(1ul, target.AppliedIndex);
        Assert.Equal(KvStatus.NotFound, target.Read(Get("beta")).Status);
        Assert.Equal(source.StateDigest(), target.StateDigest());
    }

    [Fact]
    public void An_empty_machine_snapshots_and_restores()
    {
        var empty = new KvStateMachine(Limits);
        var restored = new KvStateMachine(Limits);

        restored.RestoreSnapshot(0, empty.CreateSnapshot());

        Assert.Equal(empty.StateDigest(), restored.StateDigest());
        Assert.Equal(0, restored.KeyCount);
    }

    [Fact]
    public void Every_flipped_byte_in_a_snapshot_is_detected_and_leaves_the_state_unchanged()
    {
        var snapshot = Replay(History()).CreateSnapshot();
        var target = new KvStateMachine(Limits);
        target.Apply(1, Put("kept", "v"));
        var before = target.StateDigest();

        // Bounded: one flip per position of a snapshot of a few hundred bytes.
        for (var position = 0; position < snapshot.Length; position++)
        {
            var damaged = (byte[])snapshot.Clone();
            damaged[position] ^= 0x10;
            Assert.Throws<InvalidDataException>(() => target.RestoreSnapshot(9, damaged));
        }
        Assert.Equal(before, target.StateDigest());
    }

    [Fact]
    public void Truncated_empty_or_random_snapshots_are_invalid_data()
    {
        var snapshot = Replay(History()).CreateSnapshot();
        var target = new KvStateMachine(Limits);
        var random = new Random(7);
        var garbage = new byte[200];
        random.NextBytes(garbage);

        Assert.Throws<InvalidDataException>(() => target.RestoreSnapshot(9, ReadOnlySpan<byte>.Empty));
        Assert.Throws<InvalidDataException>(() => target.RestoreSnapshot(9, snapshot.AsSpan(0, snapshot.Length - 1)));
        Assert.Throws<InvalidDataException>(() => target.RestoreSnapshot(9, snapshot.AsSpan(0, 20)));
        Assert.Throws<InvalidDataException>(() => target.RestoreSnapshot(9, garbage));
        Assert.Equal(0ul, target.AppliedIndex);
    }

    [Fact]
    public void A_snapshot_offered_for_another_index_is_invalid_data()
    {
        var source = Replay(History());

        Assert.Throws<InvalidDataException>(() => new KvStateMachine(Limits).RestoreSnapshot(source.AppliedIndex + 1, source.CreateSnapshot()));
    }

    [Fact]
    public void A_snapshot_of_an_unknown_format_version_is_invalid_data_even_with_a_good_checksum()
    {
        var snapshot = Replay(History()).CreateSnapshot();
        snapshot[0] = 99;
        BinaryPrimitives.WriteUInt64LittleEndian(snapshot.AsSpan(snapshot.Length - 8), Fnv1a64.Of(snapshot.AsSpan(0, snapshot.Length - 8)));

        var error = Assert.Throws<InvalidDataException>(() => new KvStateMachine(Limits).RestoreSnapshot(9, snapshot));
        Assert.Contains("format", error.Message);
    }

    [Fact]
    public void A_snapshot_whose_counts_overrun_its_bytes_is_invalid_data_even_with_a_good_checksum()
    {
        var source = new KvStateMachine(Limits);
        source.Apply(1, Put("k", "v"));
        var snapshot = source.CreateSnapshot();
        // The key count follows the 25-byte header.
        BinaryPrimitives.WriteInt32LittleEndian(snapshot.AsSpan(25), 1_000_000);
        BinaryPrimitives.WriteUInt64LittleEndian(snapshot.AsSpan(snapshot.Length - 8), Fnv1a64.Of(snapshot.AsSpan(0, snapshot.Length - 8)));

        Assert.Throws<InvalidDataException>(() => new KvStateMachine(Limits).RestoreSnapshot(1, snapshot));
    }
}
