using OrleansKv.Contracts;

namespace OrleansKv.Replica.Kv;

/// <summary>
/// The answer a session remembers for an applied write. Write answers never carry a value, so
/// these four fields are all of it; keeping them instead of the KvResponse object means a caller
/// that changes the response it got cannot change what a retry will get.
/// </summary>
internal readonly record struct StoredAnswer(KvStatus Status, ulong Version, bool Existed, string Message)
{
    public static StoredAnswer From(KvResponse response) =>
        new(response.Status, response.Version, response.Existed, response.Message);

    public KvResponse ToResponse() =>
        new() { Status = Status, Version = Version, Existed = Existed, Message = Message };
}
