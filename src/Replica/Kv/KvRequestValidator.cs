using OrleansKv.Contracts;

namespace OrleansKv.Replica.Kv;

/// <summary>
/// Rejects requests that are over a limit or malformed, with a typed status and a message that
/// says what is wrong. Only the request is looked at (never the stored data), so the leader's
/// check before proposing and every replica's check when applying agree.
/// </summary>
internal static class KvRequestValidator
{
    public static KvResponse? Validate(KvRequest request, KvLimits limits)
    {
        var operation = request.Operation;
        if (operation is not (KvOperation.Get or KvOperation.Put or KvOperation.Append or KvOperation.Delete))
        {
            return KvResponses.BadRequest(operation == KvOperation.Unspecified
                ? "the request names no operation"
                : $"unknown operation {(int)operation}");
        }

        var keyLength = request.Key.Length;
        if (keyLength == 0) return KvResponses.BadRequest("the key is empty");
        if (keyLength > limits.MaxKeyBytes)
            return KvResponses.Error(KvStatus.KeyTooLarge, $"the key is {keyLength} bytes; the limit is {limits.MaxKeyBytes}");

        var valueLength = request.Value.Length;
        if (valueLength > limits.MaxValueBytes)
            return KvResponses.Error(KvStatus.ValueTooLarge, $"the value is {valueLength} bytes; the limit is {limits.MaxValueBytes}");

        return operation == KvOperation.Get ? ValidateGet(request) : ValidateWrite(request, limits);
    }

    private static KvResponse? ValidateGet(KvRequest request)
    {
        if (!request.Value.IsEmpty) return KvResponses.BadRequest("a get carries no value");
        if (request.Condition is { } condition && !IsEmpty(condition)) return KvResponses.BadRequest("a get takes no condition");
        if (request.Consistency is not (ReadConsistency.Linearizable or ReadConsistency.Stale))
            return KvResponses.BadRequest($"unknown read consistency {(int)request.Consistency}");
        return null;
    }

    private static KvResponse? ValidateWrite(KvRequest request, KvLimits limits)
    {
        if (request.Operation == KvOperation.Delete && !request.Value.IsEmpty)
            return KvResponses.BadRequest("a delete carries no value");
        if (request.Consistency != ReadConsistency.Linearizable)
            return KvResponses.BadRequest("read consistency applies to gets only; writes are always linearizable");
        // The client has not had the answer to the request it is sending, so it cannot have acknowledged it.
        if (request.ClientId != 0 && request.AckedBelow > request.Sequence)
            return KvResponses.BadRequest($"acked_below {request.AckedBelow} is above the request's own sequence {request.Sequence}");
        return request.Condition is { } condition ? ValidateCondition(condition, limits) : null;
    }

    private static KvResponse? ValidateCondition(Condition condition, KvLimits limits)
    {
        var hasVersion = condition.ExpectedVersion != 0;
        var hasValue = !condition.ExpectedValue.IsEmpty;
        switch (condition.Kind)
        {
            case ConditionKind.None:
                return hasVersion || hasValue
                    ? KvResponses.BadRequest("the condition has an expected version or value but no kind")
                    : null;
            case ConditionKind.VersionEquals:
                return hasValue ? KvResponses.BadRequest("a version condition takes no expected value") : null;
            case ConditionKind.MustExist:
            case ConditionKind.MustNotExist:
                return hasVersion || hasValue
                    ? KvResponses.BadRequest("an existence condition takes no expected version or value")
                    : null;
            case ConditionKind.ValueEquals:
                if (hasVersion) return KvResponses.BadRequest("a value condition takes no expected version");
                var expectedLength = condition.ExpectedValue.Length;
                return expectedLength > limits.MaxValueBytes
                    ? KvResponses.Error(KvStatus.ValueTooLarge, $"the expected value is {expectedLength} bytes; the limit is {limits.MaxValueBytes}")
                    : null;
            default:
                return KvResponses.BadRequest($"unknown condition kind {(int)condition.Kind}");
        }
    }

    private static bool IsEmpty(Condition condition) =>
        condition.Kind == ConditionKind.None && condition.ExpectedVersion == 0 && condition.ExpectedValue.IsEmpty;
}
