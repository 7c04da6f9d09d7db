using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using static OrleansKv.Replica.Tests.Kv.KvRequests;

namespace OrleansKv.Replica.Tests.Kv;

public class KvValidationTests
{
    private static readonly KvLimits SmallLimits = new() { MaxKeyBytes = 8, MaxValueBytes = 16 };
    private readonly KvStateMachine _machine = new(SmallLimits);

    private static KvRequest PutBytes(int keyBytes, int valueBytes) =>
        new() { Operation = KvOperation.Put, Key = Bytes(keyBytes, (byte)'k'), Value = Bytes(valueBytes) };

    [Fact]
    public void A_key_exactly_at_the_limit_is_accepted()
    {
        Assert.Null(_machine.Validate(PutBytes(8, 1)));
        Assert.Equal(KvStatus.Ok, _machine.Apply(1, PutBytes(8, 1)).Status);
    }

    [Fact]
    public void A_key_one_byte_over_the_limit_is_key_too_large_everywhere()
    {
        var request = PutBytes(9, 1);

        Assert.Equal(KvStatus.KeyTooLarge, _machine.Validate(request)?.Status);
        Assert.Equal(KvStatus.KeyTooLarge, _machine.Apply(1, request).Status);
        Assert.Equal(KvStatus.KeyTooLarge, _machine.Read(new KvRequest { Operation = KvOperation.Get, Key = Bytes(9) }).Status);
        Assert.Equal(0, _machine.KeyCount);
    }

    [Fact]
    public void A_value_exactly_at_the_limit_is_accepted()
    {
        Assert.Null(_machine.Validate(PutBytes(1, 16)));
        Assert.Equal(KvStatus.Ok, _machine.Apply(1, PutBytes(1, 16)).Status);
    }

    [Fact]
    public void A_value_one_byte_over_the_limit_is_value_too_large_everywhere()
    {
        var request = PutBytes(1, 17);

        var rejected = _machine.Validate(request);
        Assert.Equal(KvStatus.ValueTooLarge, rejected?.Status);
        Assert.Contains("17", rejected!.Message);
        Assert.Equal(KvStatus.ValueTooLarge, _machine.Apply(1, request).Status);
        Assert.Equal(0, _machine.KeyCount);
    }

    [Fact]
    public void An_expected_value_over_the_limit_is_value_too_large()
    {
        var request = Put("k", "v");
        request.Condition = new Condition { Kind = ConditionKind.ValueEquals, ExpectedValue = Bytes(17) };

        Assert.Equal(KvStatus.ValueTooLarge, _machine.Validate(request)?.Status);
        Assert.Equal(KvStatus.ValueTooLarge, _machine.Apply(1, request).Status);
    }

    [Fact]
    public void An_append_reaching_exactly_the_limit_succeeds_and_one_past_it_fails_leaving_the_value()
    {
        _machine.Apply(1, Append("k", new string('a', 10)));
        Assert.Equal(KvStatus.Ok, _machine.Apply(2, Append("k", new string('b', 6))).Status);

        var over = _machine.Apply(3, Append("k", "c"));

        Assert.Equal(KvStatus.ValueTooLarge, over.Status);
        Assert.Equal(2ul, over.Version);
        Assert.Equal(new string('a', 10) + new string('b', 6), _machine.ValueOf("k"));
        Assert.Equal(2ul, _machine.Read(Get("k")).Version);
    }

    public static TheoryData<string, KvRequest> MalformedRequests() => new()
    {
        { "no operation", new KvRequest { Key = Bytes("k"), Value = Bytes("v") } },
        { "unknown operation", new KvRequest { Operation = (KvOperation)99, Key = Bytes("k") } },
        { "empty key", new KvRequest { Operation = KvOperation.Put, Value = Bytes("v") } },
        { "get with a value", new KvRequest { Operation = KvOperation.Get, Key = Bytes("k"), Value = Bytes("v") } },
        { "get with a condition", new KvRequest { Operation = KvOperation.Get, Key = Bytes("k"), Condition = MustExist() } },
        { "get with unknown consistency", new KvRequest { Operation = KvOperation.Get, Key = Bytes("k"), Consistency = (ReadConsistency)7 } },
        { "delete with a value", new KvRequest { Operation = KvOperation.Delete, Key = Bytes("k"), Value = Bytes("v") } },
        { "write asking for a stale read", new KvRequest { Operation = KvOperation.Put, Key = Bytes("k"), Consistency = ReadConsistency.Stale } },
        { "acked above its own sequence", Put("k", "v").From(clientId: 1, sequence: 3, ackedBelow: 4) },
        { "unknown condition kind", Put("k", "v", new Condition { Kind = (ConditionKind)42 }) },
        { "condition without a kind", Put("k", "v", new Condition { ExpectedVersion = 3 }) },
        { "version condition with a value", Put("k", "v", new Condition { Kind = ConditionKind.VersionEquals, ExpectedValue = Bytes("x") }) },
        { "must-exist with a version", Put("k", "v", new Condition { Kind = ConditionKind.MustExist, ExpectedVersion = 1 }) },
        { "must-not-exist with a value", Put("k", "v", new Condition { Kind = ConditionKind.MustNotExist, ExpectedValue = Bytes("x") }) },
        { "value condition with a version", Put("k", "v", new Condition { Kind = ConditionKind.ValueEquals, ExpectedVersion = 2, ExpectedValue = Bytes("x") }) },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public void A_malformed_request_is_a_bad_request_with_a_message_and_changes_nothing(string what, KvRequest request)
    {
        _machine.Apply(1, Put("k", "before"));

        var validated = _machine.Validate(request);
        var applied = _machine.Apply(2, request.Clone());

        Assert.True(validated is { Status: KvStatus.BadRequest }, what);
        Assert.False(string.IsNullOrEmpty(validated!.Message));
        Assert.Equal(KvStatus.BadRequest, applied.Status);
        Assert.Equal(validated.Message, applied.Message);
        Assert.Equal("before", _machine.ValueOf("k"));
        Assert.Equal(1ul, _machine.Read(Get("k")).Version);
        Assert.Equal(2ul, _machine.AppliedIndex);
    }

    [Fact]
    public void A_command_without_a_request_is_a_bad_request()
    {
        var answer = _machine.Apply(1, new KvCommand { ProposedAtUnixMs = 5 });

        Assert.Equal(KvStatus.BadRequest, answer.Status);
        Assert.Equal(1ul, _machine.AppliedIndex);
    }

    [Fact]
    public void Valid_requests_pass_validation()
    {
        Assert.Null(_machine.Validate(Get("k")));
        Assert.Null(_machine.Validate(new KvRequest { Operation = KvOperation.Get, Key = Bytes("k"), Consistency = ReadConsistency.Stale }));
        Assert.Null(_machine.Validate(Put("k", "v", VersionEquals(0))));
        Assert.Null(_machine.Validate(Append("k", "v", ValueEquals(""))));
        Assert.Null(_machine.Validate(Delete("k", MustNotExist())));
        Assert.Null(_machine.Validate(Put("k", "v").From(clientId: 1, sequence: 3, ackedBelow: 3)));
    }

    [Fact]
    public void Random_garbage_commands_never_throw_and_always_get_a_typed_answer()
    {
        var random = new Random(20240611);
        var allowed = new[] { KvStatus.Ok, KvStatus.BadRequest, KvStatus.KeyTooLarge, KvStatus.ValueTooLarge, KvStatus.ConditionFailed, KvStatus.StaleSequence, KvStatus.SessionExpired };
        for (ulong index = 1; index <= 3000; index++)
        {
            var request = new KvRequest
            {
                Operation = (KvOperation)random.Next(-1, 7),
                Key = RandomBytes(random, 11),
                Value = RandomBytes(random, 20),
                ClientId = (ulong)random.Next(0, 3),
                Sequence = (ulong)random.Next(0, 10),
                AckedBelow = (ulong)random.Next(0, 10),
                Consistency = (ReadConsistency)random.Next(-1, 3),
                OpensSession = random.Next(4) != 0,
            };
            if (random.Next(2) == 0)
            {
                request.Condition = new Condition
                {
                    Kind = (ConditionKind)random.Next(-1, 6),
                    ExpectedVersion = (ulong)random.Next(0, 3),
                    ExpectedValue = RandomBytes(random, 20),
                };
            }
            var command = random.Next(20) == 0 ? new KvCommand() : Command(request, random.NextInt64(long.MinValue, long.MaxValue));

            var answer = _machine.Apply(index, command);
            var read = _machine.Read(request);

            Assert.Contains(answer.Status, allowed);
            Assert.NotNull(read);
        }
    }

    private static ByteString RandomBytes(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(0, maxLength + 1)];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }
}
