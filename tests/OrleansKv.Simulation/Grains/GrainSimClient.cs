using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Linearizability;
using KvOperation = OrleansKv.Contracts.KvOperation;
using Op = OrleansKv.Linearizability.KvCommand;

namespace OrleansKv.Simulation.Grains;

/// <summary>
/// A client of the grain simulation, behaving as the client library does: one operation in flight,
/// sent to the silo it believes leads; it follows NOT_LEADER hints, retries UNAVAILABLE and TIMEOUT
/// elsewhere, always with the same (client id, sequence), so the state machine's session applies a
/// retried write once. After several retries it sometimes gives up, and the history records that
/// operation's outcome as unknown. Stale reads go to any replica and are checked to say so; they
/// stay out of the linearizable history.
/// </summary>
internal sealed class GrainSimClient
{
    private const int TimeoutMillis = 400;
    private const int ThinkMillis = 40;

    private readonly GrainSimulation _sim;
    private readonly Dictionary<string, long> _lastSeenVersion = new(StringComparer.Ordinal);
    private ulong _sequence;
    private KvRequest? _request;
    private Op? _command; // null for a stale read, which is not recorded
    private OperationHandle _handle;
    private int _attempt;
    private int _sends;
    private long _startedAt;
    private bool _sessionEstablished;
    private ulong _target;

    public GrainSimClient(GrainSimulation sim, int index)
    {
        _sim = sim;
        Index = index;
    }

    public int Index { get; }

    /// <summary>The client id the state machine keys its session by (0 means "no session", so ids start at 1).</summary>
    public ulong ClientId => (ulong)Index + 1;

    public bool Busy => _request is not null;

    /// <summary>Keys to read linearizably once the cluster has settled (the final reads that expose a lost write).</summary>
    public Queue<string> FinalReads { get; } = new();

    public void Start() => _sim.Queue.After(_sim.Rng.Next(ThinkMillis), Begin);

    public void Kick()
    {
        if (!Busy) Begin();
    }

    private void Begin()
    {
        if (Busy) return;
        var rng = _sim.Rng;
        string key;
        var request = new KvRequest { Group = GrainSimulation.Group, ClientId = ClientId };
        if (FinalReads.TryDequeue(out var finalKey))
        {
            key = finalKey;
            request.Operation = KvOperation.Get;
            _command = Op.Get(key);
        }
        else
        {
            if (_sim.Healed) return; // the load stops when the faults stop; pending operations must still finish
            key = _sim.RandomKey();
            var tag = $"{ClientId}.{_sequence + 1}";
            var roll = rng.Next(100);
            _command = null;
            if (roll < 25) { request.Operation = KvOperation.Get; _command = Op.Get(key); }
            else if (roll < 33) { request.Operation = KvOperation.Get; request.Consistency = ReadConsistency.Stale; }
            else if (roll < 53) { request.Operation = KvOperation.Put; request.Value = Utf8($"p{tag}"); _command = Op.Put(key, $"p{tag}"); }
            else if (roll < 70) { request.Operation = KvOperation.Append; request.Value = Utf8($"+{tag}"); _command = Op.Append(key, $"+{tag}"); }
            else if (roll < 80) { request.Operation = KvOperation.Delete; _command = Op.Delete(key); }
            else if (roll < 95)
            {
                // Compare-and-set on the version: mostly the version last seen, sometimes "must be absent", sometimes wrong.
                var known = _lastSeenVersion.GetValueOrDefault(key);
                var pick = rng.Next(10);
                var expected = pick < 6 ? known : pick < 8 ? 0 : known + 1 + rng.Next(3);
                request.Operation = KvOperation.Put;
                request.Value = Utf8($"c{tag}");
                request.Condition = new Condition { Kind = ConditionKind.VersionEquals, ExpectedVersion = (ulong)expected };
                _command = Op.CompareAndSet(key, expected, $"c{tag}");
            }
            else
            {
                // Put-if-absent is compare-and-set on version 0 in the checker's model.
                request.Operation = KvOperation.Put;
                request.Value = Utf8($"n{tag}");
                request.Condition = new Condition { Kind = ConditionKind.MustNotExist };
                _command = Op.CompareAndSet(key, 0, $"n{tag}");
            }
        }
        _sequence++;
        request.Sequence = _sequence;
        request.AckedBelow = _sequence; // one operation at a time: everything before it has been answered or given up
        request.Key = ByteString.CopyFromUtf8(key);
        _request = request;
        if (_command is not null) _handle = _sim.Recorder.Invoke(Index, _command);
        _sim.Stats.ClientOps++;
        _attempt = 0;
        _sends = 0;
        _startedAt = _sim.Queue.Now;
        var stale = request.Consistency == ReadConsistency.Stale;
        Send(stale || _target == 0 ? _sim.RandomPeerId(0) : _target);
    }

    private void Send(ulong peerId)
    {
        _attempt++;
        _sends++;
        _target = peerId;
        // A copy per attempt: the grain keeps the request it was given while the write is in flight.
        var request = _request!.Clone();
        request.OpensSession = !_sessionEstablished || _sim.Options.RetriesReopenSessions;
        var sequence = _sequence;
        var attempt = _attempt;
        _sim.Trace.Event(TraceKind.ClientSend, peerId, ClientId, sequence,
            _sim.Trace.Verbose ? $"client {ClientId} #{sequence} attempt {attempt}: {Describe(request)}" : null);
        _sim.Network.ToOrFromClient(() =>
        {
            var peer = _sim.Peer(peerId);
            if (peer?.Grain is null) return; // the silo is down: the connection fails, the client times out
            peer.Grain.OnClientRequest(request, response =>
                _sim.Network.ToOrFromClient(() => OnReply(peerId, sequence, attempt, response)));
        });
        _sim.Queue.After(TimeoutMillis, () =>
        {
            if (_request is null || _sequence != sequence || _attempt != attempt) return;
            Retry(_sim.RandomPeerId(_target), "no answer");
        });
    }

    private void Retry(ulong next, string why)
    {
        _sim.Stats.Retries++;
        // A client must stop retrying before the group could have let its session expire and opened a
        // new one for a retry (the client library's operation timeout is far below the session timeout).
        var tooLong = !_sessionEstablished && !_sim.Options.RetriesReopenSessions && _sim.Queue.Now - _startedAt > _sim.SessionTimeoutMillis / 2;
        if (tooLong || (!_sim.Healed && _attempt >= 3 && _sim.Rng.Next(8) == 0))
        {
            // Give up: the write may or may not happen, now or later. The next operation uses a new sequence.
            _sim.Stats.Unknown++;
            _sim.Trace.Event(TraceKind.ClientGiveUp, _target, ClientId, _sequence,
                _sim.Trace.Verbose ? $"client {ClientId} gives up on #{_sequence} ({why})" : null);
            if (_command is not null) _sim.Recorder.Unknown(_handle);
            Finish();
            return;
        }
        _attempt++; // invalidates the pending timeout
        var attempt = _attempt;
        _sim.Queue.After(5 + _sim.Rng.Next(25), () =>
        {
            if (_request is null || _attempt != attempt) return;
            Send(next);
        });
    }

    private void OnReply(ulong from, ulong sequence, int attempt, KvResponse response)
    {
        if (_request is null || sequence != _sequence) return; // an answer to an operation already finished
        _sim.Trace.Event(TraceKind.ClientReply, from, ClientId, (ulong)response.Status,
            _sim.Trace.Verbose ? $"client {ClientId} #{sequence} attempt {attempt} <- n{from}: {response.Status} v{response.Version} {response.Message}" : null);
        switch (response.Status)
        {
            case KvStatus.NotLeader:
            case KvStatus.Unavailable:
            case KvStatus.Timeout:
                if (attempt != _attempt) return; // a refusal from an attempt already superseded
                var hint = response.LeaderHint;
                Retry(hint != 0 && hint != from && _sim.Peer(hint) is not null ? hint : _sim.RandomPeerId(from), response.Status.ToString());
                return;
            case KvStatus.Ok:
            case KvStatus.NotFound:
            case KvStatus.ConditionFailed:
                if (_request.Operation != KvOperation.Get) _sessionEstablished = true;
                Complete(response, attempt);
                return;
            case KvStatus.SessionExpired:
                if (attempt != _attempt) return;
                _sessionEstablished = false;
                _sim.Stats.SessionsExpired++;
                if (_sends == 1)
                {
                    Retry(from, "session expired"); // refused and never sent elsewhere: resend, opening a new session
                    return;
                }
                _sim.Stats.Unknown++; // an earlier attempt may have applied before the session expired
                if (_command is not null) _sim.Recorder.Unknown(_handle);
                Finish();
                return;
            default:
                _sim.Fail($"client {ClientId} #{sequence} {Describe(_request)} got an unexpected answer {response.Status}: {response.Message}");
                return;
        }
    }

    private void Complete(KvResponse response, int attempt)
    {
        var request = _request!;
        if (request.Consistency == ReadConsistency.Stale)
        {
            if (!response.Stale) _sim.Fail($"client {ClientId} #{_sequence}: a stale read's answer does not say it is stale");
            _sim.Stats.StaleReads++;
            Finish();
            return;
        }
        var output = ToOutput(request, response);
        if (output is null) return; // Fail() was called
        _sim.Recorder.Return(_handle, output.Value);
        _sim.Stats.Acknowledged++;
        if (response.Status == KvStatus.ConditionFailed) _sim.Stats.ConditionFailures++;
        var key = request.Key.ToStringUtf8();
        var wrote = request.Operation is KvOperation.Put or KvOperation.Append && response.Status == KvStatus.Ok;
        if (wrote)
        {
            _sim.AcknowledgedWrites.Add(new GrainSimulation.AcknowledgedWrite(ClientId, _sequence, response.Version));
            if (attempt > 1) _sim.Stats.RetriedWritesAcknowledged++;
        }
        if (response.Status == KvStatus.NotFound || request.Operation == KvOperation.Delete) _lastSeenVersion[key] = 0;
        else _lastSeenVersion[key] = (long)response.Version;
        Finish();
    }

    private KvOutput? ToOutput(KvRequest request, KvResponse response)
    {
        var isCas = request.Condition is { Kind: not ConditionKind.None };
        if (response.Status == KvStatus.ConditionFailed)
        {
            if (isCas) return KvOutput.SwapRejected((long)response.Version);
            _sim.Fail($"client {ClientId} #{_sequence}: an unconditional {request.Operation} failed its condition");
            return null;
        }
        switch (request.Operation)
        {
            case KvOperation.Get:
                return response.Status == KvStatus.NotFound ? KvOutput.NotFound : KvOutput.Found(response.Value.ToStringUtf8(), (long)response.Version);
            case KvOperation.Delete:
                return KvOutput.Deleted(response.Existed);
            default:
                if (response.Version == 0)
                {
                    _sim.Fail($"client {ClientId} #{_sequence}: an acknowledged {request.Operation} carries no version");
                    return null;
                }
                return isCas ? KvOutput.Swapped((long)response.Version) : KvOutput.Written((long)response.Version);
        }
    }

    private void Finish()
    {
        _request = null;
        _command = null;
        // Now and then a client pauses long enough for its session to expire (when the seed uses a short session timeout).
        var think = _sim.Rng.Next(200) == 0 ? 2_000 + _sim.Rng.Next(500) : _sim.Rng.Next(ThinkMillis);
        _sim.Queue.After(FinalReads.Count > 0 ? 0 : think, Begin);
    }

    private static ByteString Utf8(string text) => ByteString.CopyFromUtf8(text);

    private static string Describe(KvRequest r) =>
        $"{r.Operation} {r.Key.ToStringUtf8()}{(r.Value.IsEmpty ? "" : "=" + r.Value.ToStringUtf8())}" +
        $"{(r.Condition is { Kind: not ConditionKind.None } c ? $" if {c.Kind} v{c.ExpectedVersion}" : "")}{(r.Consistency == ReadConsistency.Stale ? " (stale)" : "")}";
}
