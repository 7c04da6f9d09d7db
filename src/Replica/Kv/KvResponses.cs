using OrleansKv.Contracts;

namespace OrleansKv.Replica.Kv;

/// <summary>Builders for the state machine's answers.</summary>
internal static class KvResponses
{
    public static KvResponse Error(KvStatus status, string message) => new() { Status = status, Message = message };

    public static KvResponse BadRequest(string message) => Error(KvStatus.BadRequest, message);

    public static KvResponse Written(ulong index) => new() { Status = KvStatus.Ok, Version = index };
}
