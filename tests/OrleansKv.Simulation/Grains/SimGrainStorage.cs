using Orleans.Runtime;
using Orleans.Storage;
using OrleansKv.Storage.RaftState;

namespace OrleansKv.Simulation.Grains;

/// <summary>
/// An Orleans <see cref="IGrainStorage"/> for one simulated silo, with the contract the real
/// providers keep: ETags (a write or clear with a stale one is refused with
/// <see cref="InconsistentStateException"/>), and a write is acknowledged only once durable. Writes
/// become durable in order, each 1-4 simulated ms after the previous; a crash loses every write
/// not yet acknowledged; writes made in the same simulated moment become durable together (group
/// commit). Reads answer at once from what was accepted. Completions run on the
/// simulation's event queue, so everything stays deterministic.
/// </summary>
internal sealed class SimGrainStorage(EventQueue queue, Random random) : IGrainStorage
{
    private readonly Dictionary<string, (string ETag, byte[] Data)> _durable = [];
    private Dictionary<string, (string ETag, byte[] Data)> _accepted = [];
    private (string Key, (string ETag, byte[] Data)? Before)? _lastDurable;
    private long _lastCompletion;
    private long _batchOpenedAt = -1;
    private int _incarnation;
    private long _nextETag;

    /// <summary>Test fault: a crash also forgets the last write that was acknowledged (a disk that lies about fsync).</summary>
    public bool LoseLastDurableWriteOnCrash { get; init; }

    public int WritesInFlight { get; private set; }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_accepted.TryGetValue(Key(stateName, grainId), out var stored))
        {
            grainState.State = (T)(object)new RaftStateRecord { Data = stored.Data };
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = ((RaftStateRecord)(object)grainState.State!).Data;
        return Accept(stateName, grainId, grainState, (NewETag(), data.ToArray()), exists: true);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Accept(stateName, grainId, grainState, null, exists: false);

    /// <summary>The process died: what was not acknowledged is gone. The same storage serves the restarted silo.</summary>
    public SimGrainStorage Recover()
    {
        _incarnation++;
        WritesInFlight = 0;
        if (LoseLastDurableWriteOnCrash && _lastDurable is { } last)
        {
            if (last.Before is { } before) _durable[last.Key] = before;
            else _durable.Remove(last.Key);
            _lastDurable = null;
        }
        _accepted = new Dictionary<string, (string, byte[])>(_durable);
        return this;
    }

    private Task Accept<T>(string stateName, GrainId grainId, IGrainState<T> grainState, (string ETag, byte[] Data)? value, bool exists)
    {
        var key = Key(stateName, grainId);
        var current = _accepted.TryGetValue(key, out var stored) ? stored.ETag : null;
        if (current != grainState.ETag)
            return Task.FromException(new InconsistentStateException($"{key}: stored ETag {current ?? "none"}, written with {grainState.ETag ?? "none"}", current ?? "", grainState.ETag ?? ""));
        if (value is { } accepted) _accepted[key] = accepted;
        else _accepted.Remove(key);

        var completion = new TaskCompletionSource();
        var incarnation = _incarnation;
        // Group commit, as the file provider does it: writes made in the same simulated moment share
        // one flush; a later write waits for the next one.
        if (_batchOpenedAt != queue.Now || _lastCompletion <= queue.Now)
        {
            _lastCompletion = Math.Max(_lastCompletion, queue.Now) + 1 + random.Next(4);
            _batchOpenedAt = queue.Now;
        }
        var at = _lastCompletion;
        WritesInFlight++;
        queue.After(at - queue.Now, () =>
        {
            if (incarnation != _incarnation) return; // crashed first: never acknowledged
            WritesInFlight--;
            _lastDurable = (key, _durable.TryGetValue(key, out var before) ? before : null);
            if (value is { } durable) _durable[key] = durable;
            else _durable.Remove(key);
            grainState.ETag = value?.ETag;
            grainState.RecordExists = exists;
            completion.SetResult();
        });
        return completion.Task;
    }

    private string NewETag() => (++_nextETag).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Key(string stateName, GrainId grainId) => $"{grainId}/{stateName}";
}
