using System.Diagnostics;
using OrleansKv.Contracts;
using OrleansKv.Grains;

namespace OrleansKv.Client;

/// <summary>
/// Takes one request to its group's leader and brings back a final answer: it follows NOT_LEADER
/// hints, moves on from replicas that do not answer, backs off while a group has no leader, and
/// retries a write with the same (client id, sequence), so it applies at most once.
/// </summary>
/// <remarks>
/// An answer that says a write did not happen must be true: once a write may have reached a
/// replica, running out of time is reported as <see cref="KvTimeoutException"/> (outcome unknown),
/// never as a refusal.
/// </remarks>
internal sealed class RequestExecutor(ReplicaCallQueues replicas, RoutingTable routing, ClusterViewSource views, ClientSessions sessions, KvClientOptions options)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(500);

    /// <summary>What to do after an answer that is not final.</summary>
    private enum Next { RetryNow, RetryLater }

    /// <summary>The attempts so far: what went wrong last, and whether a write may have been delivered.</summary>
    private sealed class Attempts
    {
        public int Sends;
        public string LastProblem = "no attempt made";
    }

    public async Task<KvResponse> ExecuteAsync(KvRequest request, bool anyReplica, CancellationToken cancellationToken)
    {
        // A deadline rather than a linked, timed cancellation source: no timer or registration per
        // operation, only the one that bounds each attempt.
        var deadline = Stopwatch.GetTimestamp() + (long)(options.OperationTimeout.TotalSeconds * Stopwatch.Frequency);
        var isWrite = request.Operation != KvOperation.Get;
        var attempts = new Attempts();
        GroupSession? session = null;
        try
        {
            // The routing table knows the group almost always: no task for the lookup then.
            var group = routing.GroupOf(request.Key.Span) ?? await LearnGroupOfAsync(request, cancellationToken).ConfigureAwait(false);
            request.Group = group;
            if (isWrite)
            {
                session = sessions.Of(group);
                request.Sequence = session.Begin();
            }
            var backoff = FirstBackoff;
            while (true)
            {
                var remaining = Remaining(deadline);
                if (remaining <= TimeSpan.Zero) throw OutOfTime(isWrite, attempts);
                if (session is not null)
                {
                    // A request already handed to Orleans is never changed (it may not be serialized
                    // yet, and a local call shares it): a retry changes a copy.
                    if (attempts.Sends > 0) request = request.Clone();
                    request.AckedBelow = session.AckedBelow;
                    request.OpensSession = !session.Established;
                }
                var replica = anyReplica ? routing.AnyReplicaOf(group, Random.Shared) : routing.LeaderOf(group, Random.Shared);
                var attemptTimeout = remaining < options.RequestTimeout ? remaining : options.RequestTimeout;
                var response = replica is null ? null : await CallAsync(group, replica, request, attempts, attemptTimeout, cancellationToken).ConfigureAwait(false);
                if (replica is null) attempts.LastProblem = $"no replica of group {group} is known";
                if (response is not null)
                {
                    if (session is not null && response.Status is KvStatus.Ok or KvStatus.NotFound or KvStatus.ConditionFailed) session.MarkEstablished();
                    if (IsFinal(response, session, attempts)) return response;
                    if (NextAfter(response, group, replica!, attempts) == Next.RetryNow) continue;
                }
                remaining = Remaining(deadline);
                if (remaining <= TimeSpan.Zero) throw OutOfTime(isWrite, attempts);
                await Task.Delay(backoff < remaining ? backoff : remaining, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
                await views.TryRefreshAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            session?.End(request.Sequence);
        }
    }

    private static TimeSpan Remaining(long deadline) => Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);

    // Out of time: once a write may have reached a replica its outcome is unknown, never refused.
    private KvException OutOfTime(bool isWrite, Attempts attempts)
    {
        var seconds = options.OperationTimeout.TotalSeconds;
        return isWrite && attempts.Sends > 0
            ? new KvTimeoutException($"no answer within {seconds:0.#} s; the write may or may not have been applied ({attempts.LastProblem})")
            : new UnavailableException($"no answer within {seconds:0.#} s ({attempts.LastProblem})");
    }

    private async Task<uint> LearnGroupOfAsync(KvRequest request, CancellationToken cancellationToken)
    {
        await views.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return routing.GroupOf(request.Key.Span) ?? throw new UnavailableException("the cluster reported no group for this key");
    }

    // One grain call to one replica; null when it did not answer (its silo is down, the call timed out).
    private async Task<KvResponse?> CallAsync(uint group, string replica, KvRequest request, Attempts attempts, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (options.CanReach is { } canReach && !canReach(replica))
        {
            attempts.LastProblem = $"replica {replica} is unreachable (test fault)";
            routing.MarkUnreachable(group, replica);
            return null;
        }
        attempts.Sends++;
        try
        {
            var answer = replicas.Of(group, replica).Call(request, timeout);
            // The queue bounds the wait; a caller that can cancel gets a registration, never a timer.
            return await (cancellationToken.CanBeCanceled ? answer.WaitAsync(cancellationToken) : answer).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            attempts.LastProblem = $"replica {replica} of group {group} did not answer: {e.Message}";
            routing.MarkUnreachable(group, replica);
            return null;
        }
    }

    // True for the answers the caller gets (or that become its exception); throws the typed errors.
    private static bool IsFinal(KvResponse response, GroupSession? session, Attempts attempts)
    {
        switch (response.Status)
        {
            case KvStatus.Ok:
            case KvStatus.NotFound:
                return true;
            case KvStatus.ConditionFailed:
                throw new ConditionFailedException(response.Version,
                    string.IsNullOrEmpty(response.Message) ? $"condition failed; current version {response.Version}" : response.Message);
            case KvStatus.KeyTooLarge: throw new KeyTooLargeException(response.Message);
            case KvStatus.ValueTooLarge: throw new ValueTooLargeException(response.Message);
            case KvStatus.BadRequest: throw new BadRequestException(response.Message);
            case KvStatus.StaleSequence:
                throw new KvTimeoutException($"the cluster no longer holds the answer to this write: {response.Message}");
            case KvStatus.SessionExpired:
                session?.Reset();
                // Refused, nothing applied. Sent once, it cannot have applied elsewhere: resend, opening a
                // new session. Sent more than once, an earlier attempt may have applied before the expiry.
                if (attempts.Sends == 1) return false;
                throw new KvTimeoutException($"the session expired while the write was being retried; it may or may not have been applied ({response.Message})");
            default:
                return false;
        }
    }

    private Next NextAfter(KvResponse response, uint group, string replica, Attempts attempts)
    {
        attempts.LastProblem = $"{response.Status}: {response.Message}";
        switch (response.Status)
        {
            case KvStatus.SessionExpired:
                return Next.RetryNow;
            case KvStatus.NotLeader when response.LeaderName.Length > 0:
                // A new hint: go there at once. The same hint again: the leader is changing; wait a little.
                return routing.SetLeader(group, response.LeaderName) ? Next.RetryNow : Next.RetryLater;
            case KvStatus.NotLeader:
                routing.ForgetLeader(group, replica);
                return Next.RetryLater;
            default: // UNAVAILABLE, TIMEOUT (the same sequence makes the retry safe), WRONG_GROUP (the view refreshes)
                return Next.RetryLater;
        }
    }
}
