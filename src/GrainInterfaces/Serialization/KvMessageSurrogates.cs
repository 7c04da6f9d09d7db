using Google.Protobuf;
using Orleans.Serialization.Cloning;
using OrleansKv.Contracts;

namespace OrleansKv.Grains.Serialization;

/// <summary>A <see cref="KvRequest"/> in a grain call: its protobuf encoding, the same bytes the Raft log stores.</summary>
[GenerateSerializer]
public struct KvRequestSurrogate
{
    [Id(0)] public byte[] Encoded;
}

/// <summary>A <see cref="KvResponse"/> in a grain call: its protobuf encoding.</summary>
[GenerateSerializer]
public struct KvResponseSurrogate
{
    [Id(0)] public byte[] Encoded;
}

/// <summary>
/// Serializes <see cref="KvRequest"/> through its protobuf encoding. A local call shares the
/// instance instead of copying it: a request is never changed once it is sent (the client's retry
/// changes a copy; replicas only read requests) and its bytes are immutable ByteStrings.
/// </summary>
[RegisterConverter, RegisterCopier]
public sealed class KvRequestConverter : IConverter<KvRequest, KvRequestSurrogate>, IDeepCopier<KvRequest>
{
    public KvRequest ConvertFromSurrogate(in KvRequestSurrogate surrogate) => KvRequest.Parser.ParseFrom(surrogate.Encoded.AsSpan());

    public KvRequestSurrogate ConvertToSurrogate(in KvRequest value) => new() { Encoded = value.ToByteArray() };

    public KvRequest? DeepCopy(KvRequest? input, CopyContext context) => input;
}

/// <summary>
/// Serializes <see cref="KvResponse"/> through its protobuf encoding. A local call shares the
/// instance: a replica builds a fresh answer for each request and never changes it once sent.
/// </summary>
[RegisterConverter, RegisterCopier]
public sealed class KvResponseConverter : IConverter<KvResponse, KvResponseSurrogate>, IDeepCopier<KvResponse>
{
    public KvResponse ConvertFromSurrogate(in KvResponseSurrogate surrogate) => KvResponse.Parser.ParseFrom(surrogate.Encoded.AsSpan());

    public KvResponseSurrogate ConvertToSurrogate(in KvResponse value) => new() { Encoded = value.ToByteArray() };

    public KvResponse? DeepCopy(KvResponse? input, CopyContext context) => input;
}
