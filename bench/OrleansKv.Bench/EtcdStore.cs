using System.Diagnostics;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace OrleansKv.Bench;

/// <summary>
/// etcd through its native gRPC API (the dotnet-etcd client), not its HTTP/JSON gateway. Every call goes to the
/// member that leads the Raft group, as wrk does in bench/compare: a follower would forward writes to the leader
/// and ask it for a read index, one more hop per request.
/// </summary>
internal sealed class EtcdStore : IBenchStore
{
    // Like the OrleansKv client's OperationTimeout: a call that gets no answer fails instead of stalling its caller.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LeaderTimeout = TimeSpan.FromSeconds(30);

    private readonly EtcdClient _client;

    private EtcdStore(EtcdClient client, string target)
    {
        _client = client;
        Target = target;
    }

    public string System => "etcd";

    public string Target { get; }

    /// <summary>
    /// Asks each endpoint for its status (the maintenance Status call) until one says it is the leader, and keeps
    /// a client on that endpoint only.
    /// </summary>
    /// <exception cref="TimeoutException">No member reported itself leader within 30 s.</exception>
    public static async Task<EtcdStore> ConnectToLeaderAsync(IReadOnlyList<string> endpoints)
    {
        var clients = endpoints.Select(Open).ToArray();
        var deadline = Stopwatch.GetTimestamp() + (long)(LeaderTimeout.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (true)
            {
                for (var i = 0; i < clients.Length; i++)
                {
                    try
                    {
                        var status = await clients[i].StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2)).ConfigureAwait(false);
                        if (status.Leader != 0 && status.Header.MemberId == status.Leader)
                        {
                            var leader = new EtcdStore(clients[i], $"leader {endpoints[i]} (member {status.Header.MemberId:x})");
                            clients[i] = null!;
                            return leader;
                        }
                    }
                    catch (RpcException)
                    {
                        // This member is down or still starting: ask the next one.
                    }
                }
                if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"no etcd member of {string.Join(",", endpoints)} reported itself leader");
                await Task.Delay(200).ConfigureAwait(false); // the cluster may be electing: ask again shortly
            }
        }
        finally
        {
            foreach (var client in clients) client?.Dispose();
        }
    }

    // One endpoint per client, plain HTTP/2 (etcd listens without TLS in the benchmark).
    private static EtcdClient Open(string endpoint) =>
        new(endpoint, configureChannelOptions: options => options.Credentials = ChannelCredentials.Insecure);

    private static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    public async Task<ulong> PutAsync(byte[] key, byte[] value)
    {
        var request = new PutRequest { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value) };
        var response = await _client.PutAsync(request, deadline: Deadline()).ConfigureAwait(false);
        // The put's revision is the key's new mod_revision.
        return (ulong)response.Header.Revision;
    }

    public async Task<bool> GetAsync(byte[] key, bool linearizable)
    {
        // serializable=false is etcd's linearizable read (a read index from the leader); true answers from the member's own state.
        var request = new RangeRequest { Key = ByteString.CopyFrom(key), Serializable = !linearizable };
        var response = await _client.GetAsync(request, deadline: Deadline()).ConfigureAwait(false);
        return response.Kvs.Count > 0;
    }

    public async Task<(bool Succeeded, ulong Version)> CompareAndPutAsync(byte[] key, byte[] value, ulong expectedVersion)
    {
        var keyBytes = ByteString.CopyFrom(key);
        var request = new TxnRequest
        {
            Compare = { new Compare { Key = keyBytes, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = (long)expectedVersion } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = keyBytes, Value = ByteString.CopyFrom(value) } } },
            // A failed compare reads the key, so the caller learns its mod_revision (as OrleansKv's failure carries the version).
            Failure = { new RequestOp { RequestRange = new RangeRequest { Key = keyBytes } } },
        };
        var response = await _client.TransactionAsync(request, deadline: Deadline()).ConfigureAwait(false);
        if (response.Succeeded) return (true, (ulong)response.Header.Revision);
        var found = response.Responses.Count > 0 ? response.Responses[0].ResponseRange?.Kvs : null;
        return (false, found is { Count: > 0 } ? (ulong)found[0].ModRevision : 0);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
