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

/// <summary>Serializes <see cref="KvRequest"/> through its protobuf encoding; a local call gets a clone (the caller may reuse its request for a retry).</summary>
[RegisterConverter, RegisterCopier]
public sealed class KvRequestConverter : IConverter<KvRequest, KvRequestSurrogate>, IDeepCopier<KvRequest>
{
    public KvRequest ConvertFromSurrogate(in KvRequestSurrogate surrogate) => KvRequest.Parser.ParseFrom(surrogate.Encoded);

    public KvRequestSurrogate ConvertToSurrogate(in KvRequest value) => new() { Encoded = value.ToByteArray() };

    // Protobuf's clone shares the immutable ByteStrings (key, value): no bytes are copied.
    public KvRequest? DeepCopy(KvRequest? input, CopyContext context) => input?.Clone();
}

/// <summary>Serializes <see cref="KvResponse"/> through its protobuf encoding; a local call gets a clone.</summary>
[RegisterConverter, RegisterCopier]
public sealed class KvResponseConverter : IConverter<KvResponse, KvResponseSurrogate>, IDeepCopier<KvResponse>
{
    public KvResponse ConvertFromSurrogate(in KvResponseSurrogate surrogate) => KvResponse.Parser.ParseFrom(surrogate.Encoded);

    public KvResponseSurrogate ConvertToSurrogate(in KvResponse value) => new() { Encoded = value.ToByteArray() };

    public KvResponse? DeepCopy(KvResponse? input, CopyContext context) => input?.Clone();
}
