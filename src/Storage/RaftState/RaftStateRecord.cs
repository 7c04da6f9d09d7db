namespace OrleansKv.Storage.RaftState;

/// <summary>
/// What the replica hands a grain storage provider: bytes it encoded itself
/// (<see cref="RaftStateCodec"/>). Any provider's serializer (Orleans's binary one, JSON for
/// Blob) then only has to carry one byte array.
/// </summary>
[GenerateSerializer]
public sealed class RaftStateRecord
{
    [Id(0)] public byte[] Data { get; set; } = [];
}
