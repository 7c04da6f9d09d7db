using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Replica.Storage;

namespace OrleansKv.Replica.Kv;

/// <summary>
/// The replicated KV store of one group: keys with values and versions (the log index that last
/// wrote them), conditional writes, and client sessions for exactly-once writes.
/// Deterministic: the same commands at the same indexes give the same state and answers on
/// every replica. No clock but the one carried in the commands.
/// </summary>
/// <remarks>
/// Keys are held as byte[] compared by content (<see cref="ByteKeyComparer"/>), looked up by span.
/// Sessions: a command with client_id != 0 belongs to that client's session, created on first
/// use. Its answer is kept until the client acknowledges it (acked_below) and returned again for
/// a retry; a sequence below the acknowledged horizon is STALE_SEQUENCE. A session keeps at most
/// <see cref="KvLimits.MaxAnswersPerSession"/> answers: beyond that the smallest sequence is
/// dropped and the horizon passes it. A session idle (by the command clock) for longer than
/// <see cref="KvLimits.SessionTimeoutMilliseconds"/> is forgotten; a client that comes back after
/// that starts a fresh session, so its retries of writes from before are no longer deduplicated.
/// Not thread-safe: the peer grain calls it one turn at a time.
/// </remarks>
public sealed class KvStateMachine
{
    private KvState _state = new();

    public KvStateMachine(KvLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxKeyBytes, 1, nameof(limits.MaxKeyBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(limits.MaxValueBytes, nameof(limits.MaxValueBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.SessionTimeoutMilliseconds, 1, nameof(limits.SessionTimeoutMilliseconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxAnswersPerSession, 1, nameof(limits.MaxAnswersPerSession));
        Limits = limits;
        _commandLimits = limits;
        // Sweeping every session costs a full scan, so it runs at most four times per timeout of
        // command time; a lookup checks expiry exactly, so this only bounds how long memory is held.
        SweepIntervalMilliseconds = Math.Max(1, limits.SessionTimeoutMilliseconds / 4);
    }

    public KvLimits Limits { get; }

    /// <summary>Index of the last log entry applied (KV command, no-op or membership).</summary>
    public ulong AppliedIndex => _state.AppliedIndex;

    public int KeyCount => _state.Data.Count;

    /// <summary>Client sessions currently remembered.</summary>
    public int SessionCount => _state.Sessions.Count;

    /// <summary>The state machine's clock: the largest proposed_at_unix_ms among the applied commands.</summary>
    public long ClockUnixMilliseconds => _state.ClockMs;

    private long SweepIntervalMilliseconds { get; }

    /// <summary>How many answers the session of <paramref name="clientId"/> holds (0 without a session); for tests and diagnostics.</summary>
    internal int AnswerCountOf(ulong clientId) =>
        _state.Sessions.TryGetValue(clientId, out var session) ? session.AnswerCount : 0;

    /// <summary>Checks a request before it is proposed or read (limits, operation, condition); null when it is valid.</summary>
    public KvResponse? Validate(KvRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return KvRequestValidator.Validate(request, Limits);
    }

    /// <summary>Applies the write at <paramref name="index"/>; a retried (client, sequence) gets its first answer again.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="index"/> is not above <see cref="AppliedIndex"/>.</exception>
    public KvResponse Apply(ulong index, KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        AdvanceTo(index);
        AdvanceClock(command.ProposedAtUnixMs);

        // A command that should never have been proposed gets the same typed error on every
        // replica and changes nothing but the applied index and the clock.
        var request = command.Request;
        if (request is null) return KvResponses.BadRequest("the command carries no request");
        var limits = LimitsOf(command);
        if (KvRequestValidator.Validate(request, limits) is { } invalid) return invalid;
        if (request.Operation == KvOperation.Get) return KvResponses.BadRequest("a get is served by a read, not through the log");

        if (request.ClientId == 0) return Execute(index, request, limits);

        var session = SessionOf(request.ClientId);
        if (session is null)
        {
            if (!request.OpensSession)
            {
                return KvResponses.Error(KvStatus.SessionExpired,
                    $"client {request.ClientId} has no session (sessions expire after {Limits.SessionTimeoutMilliseconds} ms without a write); nothing was applied");
            }
            session = new KvSession(request.ClientId, _state.ClockMs);
            _state.Sessions.Add(request.ClientId, session);
        }
        session.LastActiveMs = _state.ClockMs;
        session.RaiseHorizon(request.AckedBelow);
        if (request.Sequence < session.Horizon)
        {
            return KvResponses.Error(KvStatus.StaleSequence,
                $"sequence {request.Sequence} of client {request.ClientId} is below its acknowledged horizon {session.Horizon}");
        }
        if (session.TryGetAnswer(request.Sequence, out var first)) return first.ToResponse();

        var response = Execute(index, request, limits);
        session.Remember(request.Sequence, StoredAnswer.From(response), Limits.MaxAnswersPerSession);
        return response;
    }

    // The limits the proposing leader stamped on the command: the same on every replica, whatever
    // each silo is configured with. One instance is kept while leaders keep stamping the same values.
    private KvLimits LimitsOf(KvCommand command)
    {
        var maxKey = command.MaxKeyBytes == 0 ? Limits.MaxKeyBytes : (int)command.MaxKeyBytes;
        var maxValue = command.MaxValueBytes == 0 ? Limits.MaxValueBytes : (int)command.MaxValueBytes;
        if (_commandLimits.MaxKeyBytes != maxKey || _commandLimits.MaxValueBytes != maxValue)
            _commandLimits = Limits with { MaxKeyBytes = maxKey, MaxValueBytes = maxValue };
        return _commandLimits;
    }

    private KvLimits _commandLimits;

    /// <summary>Moves past an entry that carries no KV command (a leader's no-op, a membership change).</summary>
    /// <exception cref="InvalidOperationException"><paramref name="index"/> is not above <see cref="AppliedIndex"/>.</exception>
    public void Skip(ulong index) => AdvanceTo(index);

    /// <summary>Answers a get from the applied state.</summary>
    public KvResponse Read(KvRequest request)
    {
        if (Validate(request) is { } invalid) return invalid;
        if (request.Operation != KvOperation.Get) return KvResponses.BadRequest("only a get can be served by a read");
        return _state.DataBySpan.TryGetValue(request.Key.Span, out var stored)
            ? new KvResponse { Status = KvStatus.Ok, Value = stored.AsByteString(), Version = stored.Version }
            : new KvResponse { Status = KvStatus.NotFound };
    }

    /// <summary>Data and sessions as of <see cref="AppliedIndex"/>.</summary>
    public byte[] CreateSnapshot() => KvSnapshotCodec.Encode(_state);

    /// <summary>Freezes the state now; the returned function measures it, on any thread, for a store to pull its bytes later.</summary>
    public Func<SnapshotSource> PrepareSnapshot()
    {
        var frozen = _state.Freeze();
        return () => KvSnapshotCodec.Prepare(frozen);
    }

    /// <summary>Replaces data and sessions with a snapshot taken at <paramref name="index"/>.</summary>
    /// <exception cref="InvalidDataException">The snapshot is damaged or was not taken at <paramref name="index"/>; the state is unchanged.</exception>
    public void RestoreSnapshot(ulong index, ReadOnlySpan<byte> data) => _state = KvSnapshotCodec.Decode(data, index);

    /// <summary>A hash of data and sessions, equal on replicas that applied the same entries.</summary>
    public ulong StateDigest() => KvStateDigest.Compute(_state);

    private void AdvanceTo(ulong index)
    {
        if (index <= _state.AppliedIndex)
        {
            throw new InvalidOperationException(
                $"entry {index} is not above the applied index {_state.AppliedIndex}: entries are applied once, in order");
        }
        _state.AppliedIndex = index;
    }

    private void AdvanceClock(long proposedAtMs)
    {
        // A leader whose clock runs behind its predecessor's cannot move time backwards.
        if (proposedAtMs > _state.ClockMs) _state.ClockMs = proposedAtMs;
        if (_state.ClockMs - _state.LastSweepMs < SweepIntervalMilliseconds) return;

        _state.LastSweepMs = _state.ClockMs;
        var sessions = _state.Sessions;
        foreach (var (clientId, session) in sessions)
        {
            if (IsExpired(session)) sessions.Remove(clientId);
        }
    }

    private bool IsExpired(KvSession session) => _state.ClockMs - session.LastActiveMs > Limits.SessionTimeoutMilliseconds;

    // The client's live session, or null: an expired one not swept yet is forgotten now, exactly as the sweep would have.
    private KvSession? SessionOf(ulong clientId)
    {
        var sessions = _state.Sessions;
        if (!sessions.TryGetValue(clientId, out var session)) return null;
        if (!IsExpired(session)) return session;
        sessions.Remove(clientId);
        return null;
    }

    // Runs a validated write: checks the condition against the current value, then writes.
    private KvResponse Execute(ulong index, KvRequest request, KvLimits limits)
    {
        var data = _state.DataBySpan;
        var key = request.Key.Span;
        var exists = data.TryGetValue(key, out var current);

        if (request.Condition is { } condition && FailedCondition(condition, exists, current) is { } failure)
        {
            return new KvResponse { Status = KvStatus.ConditionFailed, Version = exists ? current.Version : 0, Message = failure };
        }

        switch (request.Operation)
        {
            case KvOperation.Put:
                data[key] = new StoredValue(StoredValue.BytesOf(request.Value), index);
                return KvResponses.Written(index);

            case KvOperation.Append:
                if (!exists || current.Value.Length == 0)
                {
                    data[key] = new StoredValue(StoredValue.BytesOf(request.Value), index);
                    return KvResponses.Written(index);
                }
                var length = (long)current.Value.Length + request.Value.Length;
                if (length > limits.MaxValueBytes)
                {
                    return new KvResponse
                    {
                        Status = KvStatus.ValueTooLarge,
                        Version = current.Version,
                        Message = $"appending would make the value {length} bytes; the limit is {limits.MaxValueBytes}",
                    };
                }
                var combined = new byte[length];
                current.Value.CopyTo(combined, 0);
                request.Value.Span.CopyTo(combined.AsSpan(current.Value.Length));
                data[key] = new StoredValue(combined, index);
                return KvResponses.Written(index);

            case KvOperation.Delete:
                if (exists) data.Remove(key);
                return new KvResponse { Status = KvStatus.Ok, Version = index, Existed = exists };

            default:
                // Unreachable: the validator admits only the operations above and Get, handled by the caller.
                return KvResponses.BadRequest($"operation {request.Operation} is not a write");
        }
    }

    // Null when the condition holds; otherwise why it does not.
    private static string? FailedCondition(Condition condition, bool exists, StoredValue current) => condition.Kind switch
    {
        ConditionKind.VersionEquals when (exists ? current.Version : 0) != condition.ExpectedVersion =>
            !exists ? "the key does not exist"
            : condition.ExpectedVersion == 0 ? "the key already exists"
            : "the key's version is not the expected version",
        ConditionKind.MustExist when !exists => "the key does not exist",
        ConditionKind.MustNotExist when exists => "the key already exists",
        ConditionKind.ValueEquals when !exists => "the key does not exist",
        ConditionKind.ValueEquals when !current.Value.AsSpan().SequenceEqual(condition.ExpectedValue.Span) =>
            "the key's value is not the expected value",
        _ => null,
    };
}
