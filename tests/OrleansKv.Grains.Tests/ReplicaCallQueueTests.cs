using OrleansKv.Client;
using OrleansKv.Contracts;

namespace OrleansKv.Grains.Tests;

/// <summary>
/// The client's per-replica queue bounds each grain call's wait itself (one timer per call):
/// a replica that never answers fails the requests in the call with a timeout, which the
/// client's retry loop treats as "did not answer".
/// </summary>
public sealed class ReplicaCallQueueTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_request_to_a_replica_that_never_answers_fails_with_a_timeout()
    {
        var silent = new SilentReplica();
        var queue = new ReplicaCallQueue(silent);

        var call = queue.Call(new KvRequest { Group = 1, Operation = KvOperation.Get }, TimeSpan.FromMilliseconds(50));

        // Bounded here by a delay, not by WaitAsync, whose own timeout would look the same.
        Assert.Same(call, await Task.WhenAny(call, Task.Delay(Bound)));
        await Assert.ThrowsAsync<TimeoutException>(() => call);
        Assert.Equal(1, silent.Calls);
    }

    /// <summary>A replica whose calls never complete (its silo died with the calls in flight).</summary>
    private sealed class SilentReplica : IRaftPeerGrain
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task Deliver(OrleansKv.Raft.Message[] messages) => Task.CompletedTask;

        public Task<KvResponse> Execute(KvRequest request)
        {
            Interlocked.Increment(ref _calls);
            return new TaskCompletionSource<KvResponse>().Task;
        }

        public Task<KvResponse[]> ExecuteBatch(KvRequest[] requests)
        {
            Interlocked.Increment(ref _calls);
            return new TaskCompletionSource<KvResponse[]>().Task;
        }

        public Task<PeerStatus> GetStatus() => new TaskCompletionSource<PeerStatus>().Task;

        public Task<bool> TransferLeadershipAway() => Task.FromResult(false);
    }
}
