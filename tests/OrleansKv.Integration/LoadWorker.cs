using OrleansKv.Client;
using OrleansKv.Linearizability;
using CheckedCommand = OrleansKv.Linearizability.KvCommand;

namespace OrleansKv.Integration;

/// <summary>
/// One client issuing a seeded random mix of get, put, append, delete and compare-and-set on a
/// small key set, recording every call in a history for the linearizability checker, and
/// separately every acknowledged append to the append-only keys (each token unique).
/// </summary>
internal sealed class LoadWorker(int id, IKvClient client, HistoryRecorder history, IReadOnlyList<string> keys, IReadOnlyList<string> appendKeys)
{
    private readonly Random _random = new(id * 7919);
    private int _counter;

    public int Acknowledged => Volatile.Read(ref _acknowledged);
    private int _acknowledged;

    /// <summary>Append-only key -> tokens whose append was acknowledged.</summary>
    public Dictionary<string, List<string>> AcknowledgedAppends { get; } = [];

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var roll = _random.Next(100);
            if (roll < 20) await AppendOnlyAsync();
            else await MixedAsync(keys[_random.Next(keys.Count)], roll);
        }
    }

    private async Task AppendOnlyAsync()
    {
        var key = appendKeys[_random.Next(appendKeys.Count)];
        var token = $"[{id}.{++_counter}]";
        try
        {
            await client.AppendAsync(Keys.Utf8(key), Keys.Utf8(token));
            if (!AcknowledgedAppends.TryGetValue(key, out var tokens)) AcknowledgedAppends[key] = tokens = [];
            tokens.Add(token);
            Interlocked.Increment(ref _acknowledged);
        }
        catch (KvException) { } // outcome unknown or not applied: not counted as acknowledged
    }

    private async Task MixedAsync(string key, int roll)
    {
        var value = $"{id}.{++_counter}";
        var bytes = Keys.Utf8(key);
        if (roll < 50)
        {
            var handle = history.Invoke(id, CheckedCommand.Get(key));
            await Record(handle, async () =>
            {
                var entry = await client.GetAsync(bytes);
                return entry is null ? KvOutput.NotFound : KvOutput.Found(Keys.Text(entry.Value), (long)entry.Version);
            });
        }
        else if (roll < 70)
        {
            var handle = history.Invoke(id, CheckedCommand.Put(key, value));
            await Record(handle, async () => KvOutput.Written((long)await client.PutAsync(bytes, Keys.Utf8(value))));
        }
        else if (roll < 80)
        {
            var handle = history.Invoke(id, CheckedCommand.Append(key, value));
            await Record(handle, async () => KvOutput.Written((long)await client.AppendAsync(bytes, Keys.Utf8(value))));
        }
        else if (roll < 85)
        {
            var handle = history.Invoke(id, CheckedCommand.Delete(key));
            await Record(handle, async () => KvOutput.Deleted(await client.DeleteAsync(bytes)));
        }
        else
        {
            // Compare-and-set against the version a fresh read saw (often still current, sometimes not).
            KvEntry? seen;
            try { seen = await client.GetAsync(bytes); } catch (KvException) { return; }
            var expected = (long)(seen?.Version ?? 0);
            var handle = history.Invoke(id, CheckedCommand.CompareAndSet(key, expected, value));
            await Record(handle, async () =>
            {
                try
                {
                    return KvOutput.Swapped((long)await client.PutAsync(bytes, Keys.Utf8(value), WriteCondition.IfVersion((ulong)expected)));
                }
                catch (ConditionFailedException e)
                {
                    return KvOutput.SwapRejected((long)e.CurrentVersion);
                }
            });
        }
    }

    private async Task Record(OperationHandle handle, Func<Task<KvOutput>> call)
    {
        try
        {
            history.Return(handle, await call());
            Interlocked.Increment(ref _acknowledged);
        }
        catch (KvException)
        {
            // Timeout: a write may have applied; unavailable: it did not. Either way the checker
            // may place it anywhere after its call, or nowhere.
            history.Unknown(handle);
        }
    }
}
