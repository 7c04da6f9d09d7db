using OrleansKv.Contracts;
using OrleansKv.Grains;

namespace OrleansKv.Client;

/// <summary>
/// The calls from this client to one replica. Requests that callers issue at the same moment go
/// out as one grain call (<see cref="IRaftPeerGrain.ExecuteBatch"/>) instead of one each: the
/// first request queues a send on the thread pool, and every request that arrives before that
/// send runs joins it. Under load this saves a grain call, its messages and its scheduling per
/// request; alone, a request waits only for one thread-pool hop.
/// </summary>
/// <remarks>
/// Each request keeps its own answer, and a failed call (the replica's silo is down, Orleans's
/// timeout) fails every request in it, which the caller's retry loop handles as it would for one.
/// The wait for an answer is bounded once per call, by the shortest timeout among its requests
/// (one timer per call, not one per request); a request that times out early is only retried.
/// </remarks>
internal sealed class ReplicaCallQueue(IRaftPeerGrain replica) : IThreadPoolWorkItem
{
    private readonly Lock _lock = new();
    private readonly List<QueuedCall> _queued = [];
    private bool _sendQueued;

    /// <summary>
    /// Sends <paramref name="request"/> with whatever else is queued; completes with its answer, the
    /// call's failure, or a <see cref="TimeoutException"/> when no answer came within <paramref name="timeout"/>.
    /// </summary>
    public Task<KvResponse> Call(KvRequest request, TimeSpan timeout)
    {
        var call = new QueuedCall(request, timeout);
        lock (_lock)
        {
            _queued.Add(call);
            if (_sendQueued) return call.Task;
            _sendQueued = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return call.Task;
    }

    void IThreadPoolWorkItem.Execute()
    {
        QueuedCall[] calls;
        lock (_lock)
        {
            calls = [.. _queued];
            _queued.Clear();
            _sendQueued = false;
        }
        if (calls.Length == 1) _ = SendOneAsync(calls[0]);
        else _ = SendBatchAsync(calls);
    }

    private async Task SendOneAsync(QueuedCall call)
    {
        try
        {
            call.TrySetResult(await replica.Execute(call.Request).WaitAsync(call.Timeout).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            call.TrySetException(e);
        }
    }

    private async Task SendBatchAsync(QueuedCall[] calls)
    {
        var requests = new KvRequest[calls.Length];
        var timeout = calls[0].Timeout;
        for (var i = 0; i < calls.Length; i++)
        {
            requests[i] = calls[i].Request;
            if (calls[i].Timeout < timeout) timeout = calls[i].Timeout;
        }
        try
        {
            var answers = await replica.ExecuteBatch(requests).WaitAsync(timeout).ConfigureAwait(false);
            if (answers.Length != calls.Length)
                throw new InvalidOperationException($"replica answered {answers.Length} of {calls.Length} requests");
            for (var i = 0; i < calls.Length; i++) calls[i].TrySetResult(answers[i]);
        }
        catch (Exception e)
        {
            foreach (var call in calls) call.TrySetException(e);
        }
    }

    /// <summary>A queued request, how long it may wait, and the task its caller awaits (continued off the sending thread).</summary>
    private sealed class QueuedCall(KvRequest request, TimeSpan timeout) : TaskCompletionSource<KvResponse>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public KvRequest Request { get; } = request;
        public TimeSpan Timeout { get; } = timeout;
    }
}
