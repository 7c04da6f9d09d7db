using System.Security.Cryptography;
using Google.Protobuf;
using OrleansKv.Contracts;

namespace OrleansKv.Client;

/// <summary>
/// The cluster client. Learns the cluster (silos, groups, slot ranges, leaders) from any silo,
/// sends each request straight to the leader of the key's group over one connection per silo,
/// follows NOT_LEADER hints, and retries after timeouts and failovers with the same
/// (client id, sequence), so a retried write is applied once. Thread-safe; share one instance.
/// </summary>
public sealed class KvClient : IKvClient
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(500);

    private readonly KvClientOptions _options;
    private readonly ConnectionPool _connections;
    private readonly RoutingTable _routing = new();
    private readonly Dictionary<uint, GroupSession> _sessions = [];

    private KvClient(KvClientOptions options)
    {
        if (options.Seeds.Count == 0) throw new ArgumentException("at least one seed silo is required", nameof(options));
        _options = options;
        _connections = new ConnectionPool(options);
        ClientId = options.ClientId ?? RandomClientId();
    }

    /// <summary>This client's id in every group's exactly-once sessions.</summary>
    public ulong ClientId { get; }

    /// <summary>Connects to the first reachable seed and learns the cluster from it.</summary>
    /// <exception cref="UnavailableException">No seed answered.</exception>
    public static async Task<KvClient> ConnectAsync(KvClientOptions options, CancellationToken cancellationToken = default)
    {
        var client = new KvClient(options);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.OperationTimeout);
            await client.RefreshClusterAsync(deadline.Token).ConfigureAwait(false);
            return client;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new UnavailableException($"no seed silo answered within {options.OperationTimeout.TotalSeconds:0.#} s: {string.Join(", ", options.Seeds)}");
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // ------------------------------------------------------------------ operations

    public async Task<KvEntry?> GetAsync(ReadOnlyMemory<byte> key, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken cancellationToken = default)
    {
        var request = NewRequest(KvOperation.Get, key, default, default);
        request.Consistency = consistency == ReadConsistency.Stale ? Contracts.ReadConsistency.Stale : Contracts.ReadConsistency.Linearizable;
        var response = await ExecuteAsync(request, isWrite: false, anyReplica: consistency == ReadConsistency.Stale, cancellationToken).ConfigureAwait(false);
        return response.Status == KvStatus.NotFound ? null : new KvEntry(response.Value.Memory, response.Version, response.Stale);
    }

    public async Task<ulong> PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(NewRequest(KvOperation.Put, key, value, condition), isWrite: true, anyReplica: false, cancellationToken).ConfigureAwait(false)).Version;

    public async Task<ulong> AppendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(NewRequest(KvOperation.Append, key, value, condition), isWrite: true, anyReplica: false, cancellationToken).ConfigureAwait(false)).Version;

    public async Task<bool> DeleteAsync(ReadOnlyMemory<byte> key, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(NewRequest(KvOperation.Delete, key, default, condition), isWrite: true, anyReplica: false, cancellationToken).ConfigureAwait(false)).Existed;

    public async Task<ClusterView> GetClusterViewAsync(CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.OperationTimeout);
        try
        {
            return ToView(await RefreshClusterAsync(deadline.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UnavailableException("no silo answered the cluster query in time");
        }
    }

    private static KvRequest NewRequest(KvOperation operation, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition)
    {
        if (key.IsEmpty) throw new BadRequestException("the key must not be empty");
        var request = new KvRequest
        {
            Operation = operation,
            Key = UnsafeByteOperations.UnsafeWrap(key),
            Group = RoutingTable.UnknownGroup,
        };
        if (!value.IsEmpty) request.Value = UnsafeByteOperations.UnsafeWrap(value);
        if (condition.Kind != WriteConditionKind.None)
        {
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
            if (condition.Kind == WriteConditionKind.ValueEquals) request.Condition.ExpectedValue = UnsafeByteOperations.UnsafeWrap(condition.ExpectedValue);
        }
        return request;
    }

    // ------------------------------------------------------------------ the retry loop

    private async Task<KvResponse> ExecuteAsync(KvRequest request, bool isWrite, bool anyReplica, CancellationToken cancellationToken)
    {
        using var operation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        operation.CancelAfter(_options.OperationTimeout);
        var group = _routing.GroupOf(request.Key.Span);
        if (group is null)
        {
            await RefreshOrWaitAsync(operation.Token, cancellationToken).ConfigureAwait(false);
            group = _routing.GroupOf(request.Key.Span) ?? throw new UnavailableException("the cluster reported no group for this key");
        }
        request.Group = group.Value;

        GroupSession? session = null;
        if (isWrite)
        {
            session = SessionOf(group.Value);
            request.ClientId = ClientId;
            request.Sequence = session.Begin();
        }
        var maybeSent = false;
        var sends = 0;
        var backoff = FirstBackoff;
        string lastProblem = "no attempt made";
        try
        {
            while (true)
            {
                if (session is not null)
                {
                    request.AckedBelow = session.AckedBelow;
                    request.OpensSession = !session.Established;
                }
                var target = anyReplica ? _routing.AnyReplicaOf(group.Value, Random.Shared) : _routing.LeaderOf(group.Value);
                KvResponse? response = null;
                if (target is not null)
                {
                    try
                    {
                        sends++;
                        maybeSent = true;
                        response = await SendOnceAsync(target, request, operation.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is ConnectionLostException or IOException or System.Net.Sockets.SocketException or TimeoutException)
                    {
                        lastProblem = e.Message;
                        _routing.ForgetLeader(group.Value, target);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw isWrite && maybeSent ? new KvTimeoutException($"no answer within {_options.OperationTimeout.TotalSeconds:0.#} s; the write may or may not have been applied ({lastProblem})")
                            : new UnavailableException($"group {group} did not answer within {_options.OperationTimeout.TotalSeconds:0.#} s ({lastProblem})");
                    }
                }
                else lastProblem = $"no known leader for group {group}";

                if (response is not null)
                {
                    if (session is not null && response.Status is KvStatus.Ok or KvStatus.NotFound or KvStatus.ConditionFailed) session.MarkEstablished();
                    switch (response.Status)
                    {
                        case KvStatus.Ok:
                        case KvStatus.NotFound:
                            return response;
                        case KvStatus.ConditionFailed:
                            throw new ConditionFailedException(response.Version, string.IsNullOrEmpty(response.Message) ? $"condition failed; current version {response.Version}" : response.Message);
                        case KvStatus.KeyTooLarge: throw new KeyTooLargeException(response.Message);
                        case KvStatus.ValueTooLarge: throw new ValueTooLargeException(response.Message);
                        case KvStatus.BadRequest: throw new BadRequestException(response.Message);
                        case KvStatus.SessionExpired:
                            session?.Reset();
                            // Refused, nothing applied. Sent once, it cannot have applied elsewhere: resend opening a
                            // new session. Sent more than once, an earlier attempt may have applied before the expiry.
                            if (sends == 1) continue;
                            throw new KvTimeoutException($"the session expired while the write was being retried; it may or may not have been applied ({response.Message})");
                        case KvStatus.StaleSequence:
                            throw new KvTimeoutException($"the cluster no longer holds the answer to this write: {response.Message}");
                        case KvStatus.NotLeader when response.LeaderHint != 0 && response.LeaderAddress.Length > 0:
                            lastProblem = response.Message;
                            if (_routing.SetLeader(group.Value, response.LeaderHint, response.LeaderAddress)) continue; // a new hint: go at once
                            break;
                        case KvStatus.WrongGroup:
                            lastProblem = response.Message;
                            await RefreshOrWaitAsync(operation.Token, cancellationToken).ConfigureAwait(false);
                            var regrouped = _routing.GroupOf(request.Key.Span);
                            if (regrouped is not null && regrouped != group && !isWrite) { group = regrouped; request.Group = group.Value; }
                            break;
                        default: // NOT_LEADER without hint, UNAVAILABLE, TIMEOUT: retry with the same sequence
                            lastProblem = $"{response.Status}: {response.Message}";
                            if (response.Status == KvStatus.NotLeader) _routing.ForgetLeader(group.Value, target!);
                            break;
                    }
                }

                await Task.Delay(backoff, operation.Token).ConfigureAwait(false);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
                await RefreshOrWaitAsync(operation.Token, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw isWrite && maybeSent
                ? new KvTimeoutException($"no answer within {_options.OperationTimeout.TotalSeconds:0.#} s; the write may or may not have been applied ({lastProblem})")
                : new UnavailableException($"group {group} is unavailable: {lastProblem}");
        }
        finally
        {
            session?.End(request.Sequence);
        }
    }

    private async Task<KvResponse> SendOnceAsync(SiloAddress target, KvRequest request, CancellationToken operation)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(operation);
        attempt.CancelAfter(_options.RequestTimeout);
        try
        {
            var connection = await _connections.GetAsync(target.Address, attempt.Token).ConfigureAwait(false);
            var answer = await connection.SendAsync(new ClientRequest { Kv = request }, attempt.Token).ConfigureAwait(false);
            return answer.Kv ?? throw new IOException("the silo answered a KV request with another kind of answer");
        }
        catch (OperationCanceledException) when (!operation.IsCancellationRequested)
        {
            throw new TimeoutException($"silo {target.Address} did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
    }

    // Refreshes the cluster view; failures are ignored (the retry loop tries again after its backoff).
    private async Task RefreshOrWaitAsync(CancellationToken operation, CancellationToken caller)
    {
        try
        {
            await RefreshClusterAsync(operation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or UnavailableException)
        {
        }
        caller.ThrowIfCancellationRequested();
    }

    private async Task<ClusterInfo> RefreshClusterAsync(CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var address in _routing.KnownAddresses(_options.Seeds))
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(_options.RequestTimeout);
            try
            {
                var connection = await _connections.GetAsync(address, attempt.Token).ConfigureAwait(false);
                var answer = await connection.SendAsync(new ClientRequest { ClusterInfo = new ClusterInfoRequest() }, attempt.Token).ConfigureAwait(false);
                if (answer.BodyCase != ClientResponse.BodyOneofCase.ClusterInfo) continue;
                _routing.Update(answer.ClusterInfo);
                return answer.ClusterInfo;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ArgumentException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                last = e;
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        throw new UnavailableException("no silo answered the cluster query: " + (last?.Message ?? "no addresses"), last);
    }

    private GroupSession SessionOf(uint group)
    {
        lock (_sessions)
        {
            if (!_sessions.TryGetValue(group, out var session)) _sessions[group] = session = new GroupSession();
            return session;
        }
    }

    private static ClusterView ToView(ClusterInfo info) => new(
        info.Cluster,
        info.Silos.Select(s => new SiloView(s.Id, s.Address, s.HttpUrl)).ToList(),
        info.Groups.Select(g => new GroupView(g.Id, g.Replicas.ToList(), g.Leader, (int)g.SlotStart, (int)g.SlotEnd)).ToList());

    private static ulong RandomClientId()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong id;
        do { RandomNumberGenerator.Fill(bytes); id = BitConverter.ToUInt64(bytes); } while (id == 0);
        return id;
    }

    public ValueTask DisposeAsync() => _connections.DisposeAsync();
}
