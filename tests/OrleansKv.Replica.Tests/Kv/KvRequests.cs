using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;

namespace OrleansKv.Replica.Tests.Kv;

/// <summary>Short builders for the requests and commands the KV tests apply.</summary>
internal static class KvRequests
{
    public static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    public static ByteString Bytes(int length, byte fill = (byte)'x') => ByteString.CopyFrom(Enumerable.Repeat(fill, length).ToArray());

    public static KvRequest Get(string key) => new() { Operation = KvOperation.Get, Key = Bytes(key) };

    public static KvRequest Put(string key, string value, Condition? condition = null) =>
        new() { Operation = KvOperation.Put, Key = Bytes(key), Value = Bytes(value), Condition = condition };

    public static KvRequest Append(string key, string value, Condition? condition = null) =>
        new() { Operation = KvOperation.Append, Key = Bytes(key), Value = Bytes(value), Condition = condition };

    public static KvRequest Delete(string key, Condition? condition = null) =>
        new() { Operation = KvOperation.Delete, Key = Bytes(key), Condition = condition };

    public static KvRequest From(this KvRequest request, ulong clientId, ulong sequence, ulong ackedBelow = 0, bool opensSession = true)
    {
        request.ClientId = clientId;
        request.Sequence = sequence;
        request.AckedBelow = ackedBelow;
        request.OpensSession = opensSession;
        return request;
    }

    public static Condition VersionEquals(ulong version) => new() { Kind = ConditionKind.VersionEquals, ExpectedVersion = version };

    public static Condition MustExist() => new() { Kind = ConditionKind.MustExist };

    public static Condition MustNotExist() => new() { Kind = ConditionKind.MustNotExist };

    public static Condition ValueEquals(string value) => new() { Kind = ConditionKind.ValueEquals, ExpectedValue = Bytes(value) };

    public static KvCommand Command(KvRequest request, long proposedAtUnixMs = 0) =>
        new() { Request = request, ProposedAtUnixMs = proposedAtUnixMs };

    public static KvResponse Apply(this KvStateMachine machine, ulong index, KvRequest request, long proposedAtUnixMs = 0) =>
        machine.Apply(index, Command(request, proposedAtUnixMs));

    public static string ValueOf(this KvStateMachine machine, string key) => machine.Read(Get(key)).Value.ToStringUtf8();
}
