namespace OrleansKv.Storage.RaftState;

/// <summary>
/// Followers' snapshot reads waiting for a snapshot's anchor to become durable (a local snapshot
/// is recorded before its chunks and anchor are written). Each wait is a task of its own: a task
/// shared by several awaiters resumes all but the first on the thread pool, and the simulation,
/// which runs every replica on one thread, must not see that. Thread-safe.
/// </summary>
internal sealed class AnchorWaits(ulong anchoredIndex)
{
    private readonly List<(ulong Index, TaskCompletionSource Anchored)> _waiting = [];
    private ulong _anchoredIndex = anchoredIndex;
    private Exception? _failure;

    /// <summary>A task that completes once an anchor naming a snapshot at or after <paramref name="index"/> is durable; null if one is already.</summary>
    public Task? WaitFor(ulong index)
    {
        lock (_waiting)
        {
            if (_anchoredIndex >= index) return null;
            if (_failure is { } failure) return Task.FromException(failure);
            var anchored = new TaskCompletionSource();
            _waiting.Add((index, anchored));
            return anchored.Task;
        }
    }

    /// <summary>An anchor naming the snapshot at <paramref name="index"/> is durable: ends the waits it covers.</summary>
    public void Anchored(ulong index) => End(index, failure: null);

    /// <summary>The store failed: no anchor will come, so every wait ends with <paramref name="failure"/>.</summary>
    public void Failed(Exception failure) => End(ulong.MaxValue, failure);

    private void End(ulong index, Exception? failure)
    {
        List<TaskCompletionSource> ended = [];
        lock (_waiting)
        {
            if (failure is null) _anchoredIndex = Math.Max(_anchoredIndex, index);
            else _failure = failure;
            for (var i = _waiting.Count - 1; i >= 0; i--)
            {
                if (_waiting[i].Index > index) continue;
                ended.Add(_waiting[i].Anchored);
                _waiting.RemoveAt(i);
            }
        }
        // Outside the lock: a completion runs its awaiter inline.
        foreach (var anchored in ended)
            if (failure is null) anchored.SetResult();
            else anchored.SetException(failure);
    }
}
