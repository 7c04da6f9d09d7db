using Google.Protobuf;
using OrleansKv.Contracts;

namespace OrleansKv.Client;

/// <summary>Turns the arguments of an <see cref="IKvClient"/> call into the request a replica executes.</summary>
internal static class KvRequestFactory
{
    /// <summary>
    /// A request without group or sequence yet (the executor fills them in). Keys and values are
    /// copied: a replica may still hold the request after the call returned (a timed-out
    /// attempt), and the caller may reuse its buffers by then.
    /// </summary>
    /// <exception cref="BadRequestException">The key is empty or the condition kind is unknown.</exception>
    public static KvRequest Create(KvOperation operation, ulong clientId, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition)
    {
        if (key.IsEmpty) throw new BadRequestException("the key must not be empty");
        var request = new KvRequest { Operation = operation, Key = ByteString.CopyFrom(key.Span) };
        if (operation != KvOperation.Get) request.ClientId = clientId;
        if (!value.IsEmpty) request.Value = ByteString.CopyFrom(value.Span);
        if (condition.Kind == WriteConditionKind.None) return request;
        request.Condition = new Condition
        {
            Kind = condition.Kind switch
            {
                WriteConditionKind.VersionEquals => ConditionKind.VersionEquals,
                WriteConditionKind.MustExist => ConditionKind.MustExist,
                WriteConditionKind.MustNotExist => ConditionKind.MustNotExist,
                WriteConditionKind.ValueEquals => ConditionKind.ValueEquals,
                _ => throw new BadRequestException($"unknown condition {condition.Kind}"),
            },
            ExpectedVersion = condition.ExpectedVersion,
        };
        if (condition.Kind == WriteConditionKind.ValueEquals) request.Condition.ExpectedValue = ByteString.CopyFrom(condition.ExpectedValue.Span);
        return request;
    }
}
