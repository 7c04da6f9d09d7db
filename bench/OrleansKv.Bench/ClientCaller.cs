using System.Buffers.Binary;
using System.Diagnostics;

namespace OrleansKv.Bench;

/// <summary>
/// One concurrent caller of a client benchmark run: a closed loop that issues one operation, awaits it, records
/// its latency, and issues the next. It owns its key and value buffers, its random generator and its histogram,
/// so the loop shares nothing with other callers but the store's client and the version table. The loop is the
/// same for every <see cref="IBenchStore"/>, so etcd and OrleansKv are measured the same way.
/// </summary>
internal sealed class ClientCaller
{
    private readonly IBenchStore _store;
    private readonly ClientOperation _operation;
    private readonly int _index;
    private readonly int _callerCount;
    private readonly int _keyCount;
    private readonly int _ownKeyCount;
    private readonly ulong[] _versions;
    private readonly Random _random;
    private readonly byte[] _key = BenchKey.NewBuffer();
    private readonly byte[] _value;
    private ulong _written;

    public ClientCaller(IBenchStore store, ClientOperation operation, int index, int callerCount, int keyCount, int valueBytes, ulong[] versions)
    {
        _store = store;
        _operation = operation;
        _index = index;
        _callerCount = callerCount;
        _keyCount = keyCount;
        _ownKeyCount = (keyCount - index + callerCount - 1) / callerCount;
        _versions = versions;
        // Fixed seeds: the same arguments pick the same key sequence every run.
        _random = new Random(unchecked(index * 1_000_003 + (int)operation * 7_919 + callerCount));
        _value = new byte[valueBytes];
        _random.NextBytes(_value);
    }

    public LatencyHistogram Latencies { get; } = new();

    /// <summary>
    /// Operations that failed with anything but a CAS condition failure, and reads that found no value (every key
    /// is preloaded), inside the window.
    /// </summary>
    public long Errors { get; private set; }

    /// <summary>CAS operations whose version did not match, inside the window (counted in the histogram too).</summary>
    public long FailedCompares { get; private set; }

    public async Task RunAsync(MeasurementWindow window)
    {
        var store = _store;
        while (true)
        {
            var keyNumber = NextKey();
            BenchKey.Write(_key, keyNumber);
            var started = Stopwatch.GetTimestamp();
            if (started >= window.EndTimestamp) return;

            var failedCompare = false;
            var failed = false;
            try
            {
                switch (_operation)
                {
                    case ClientOperation.Put:
                        StampValue();
                        RaiseVersion(keyNumber, await store.PutAsync(_key, _value).ConfigureAwait(false));
                        break;
                    case ClientOperation.Get:
                        failed = !await store.GetAsync(_key, linearizable: true).ConfigureAwait(false);
                        break;
                    case ClientOperation.StaleGet:
                        failed = !await store.GetAsync(_key, linearizable: false).ConfigureAwait(false);
                        break;
                    case ClientOperation.Cas:
                        StampValue();
                        // This caller alone touches its keys during a CAS run, so a plain write of the version is enough;
                        // a failed compare answers with the key's version, so the next CAS on the key succeeds.
                        var (succeeded, version) = await store.CompareAndPutAsync(_key, _value, _versions[keyNumber]).ConfigureAwait(false);
                        _versions[keyNumber] = version;
                        failedCompare = !succeeded;
                        break;
                }
            }
            catch (Exception)
            {
                // A benchmark reports errors rather than stopping on them: timeouts, unavailability, anything.
                failed = true;
            }

            var finished = Stopwatch.GetTimestamp();
            if (!window.Contains(finished)) continue;
            if (failed)
            {
                Errors++;
                continue;
            }
            Latencies.Record(finished - started);
            if (failedCompare) FailedCompares++;
        }
    }

    // CAS keeps to this caller's slice (key % callers == index) so no other caller moves its versions.
    private int NextKey() => _operation == ClientOperation.Cas
        ? _index + _random.Next(_ownKeyCount) * _callerCount
        : _random.Next(_keyCount);

    // Each write carries a value not written before, without allocating one: stamp a counter into the buffer.
    private void StampValue()
    {
        _written++;
        if (_value.Length >= sizeof(ulong)) BinaryPrimitives.WriteUInt64LittleEndian(_value, _written);
        else _value[0] = (byte)_written;
    }

    // Puts from several callers may hit one key and finish out of order; versions only grow, so keep the largest.
    private void RaiseVersion(int keyNumber, ulong version)
    {
        var seen = Volatile.Read(ref _versions[keyNumber]);
        while (version > seen)
        {
            var previous = Interlocked.CompareExchange(ref _versions[keyNumber], version, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }
}
