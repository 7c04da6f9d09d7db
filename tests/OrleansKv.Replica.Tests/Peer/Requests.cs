using Google.Protobuf;
using OrleansKv.Contracts;

namespace OrleansKv.Replica.Tests.Peer;

internal static class Requests
{
    public static KvRequest Put(string key, string value, ulong client = 0, ulong sequence = 0) => new()
    {
        Group = PeerCluster.Group, Operation = KvOperation.Put, Key = ByteString.CopyFromUtf8(key),
        Value = ByteString.CopyFromUtf8(value), ClientId = client, Sequence = sequence, AckedBelow = sequence, OpensSession = client != 0,
    };

    public static KvRequest Append(string key, string value, ulong client, ulong sequence) => new()
    {
        Group = PeerCluster.Group, Operation = KvOperation.Append, Key = ByteString.CopyFromUtf8(key),
        Value = ByteString.CopyFromUtf8(value), ClientId = client, Sequence = sequence, AckedBelow = sequence, OpensSession = client != 0,
    };

    public static KvRequest Get(string key, ReadConsistency consistency = ReadConsistency.Linearizable) => new()
    {
        Group = PeerCluster.Group, Operation = KvOperation.Get, Key = ByteString.CopyFromUtf8(key), Consistency = consistency,
    };
}
