using System.Diagnostics;

namespace OrleansKv.Linearizability;

/// <summary>
/// Records a concurrent client history, safe to call from any thread.
/// Call <see cref="Invoke"/> just before sending a request and <see cref="Return"/> as soon as the answer arrives;
/// call <see cref="Unknown"/> when the client gives up (timeout, crash) without learning the outcome.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly object _gate = new();
    private readonly Func<long> _clock;
    private readonly List<Entry> _entries = [];

    /// <param name="clock">
    /// Monotonic time source for call and return times; the simulation passes its logical clock.
    /// Defaults to <see cref="Stopwatch.GetTimestamp"/>. It is only ever called under the recorder's lock.
    /// </param>
    public HistoryRecorder(Func<long>? clock = null)
    {
        _clock = clock ?? Stopwatch.GetTimestamp;
    }

    /// <summary>Number of operations invoked so far.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Records the call of an operation, timestamped now.</summary>
    public OperationHandle Invoke(int clientId, KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_gate)
        {
            _entries.Add(new Entry(clientId, command, _clock()));
            return new OperationHandle(_entries.Count - 1);
        }
    }

    /// <summary>Records the answer of an operation, timestamped now. Returning <see cref="KvOutput.Unknown"/> is the same as <see cref="Unknown"/>.</summary>
    public void Return(OperationHandle handle, KvOutput output)
    {
        lock (_gate)
        {
            var entry = PendingEntry(handle);
            if (!output.FitsCommand(entry.Command.Kind))
            {
                throw new ArgumentException($"Output '{output}' is not a possible answer to {entry.Command}.", nameof(output));
            }

            if (output.IsUnknown)
            {
                entry.Finish(KvOperation.NeverReturned, output);
                return;
            }

            entry.Finish(_clock(), output);
        }
    }

    /// <summary>Records that the client will never learn the outcome: the operation may or may not take effect, at any later time.</summary>
    public void Unknown(OperationHandle handle)
    {
        lock (_gate)
        {
            PendingEntry(handle).Finish(KvOperation.NeverReturned, KvOutput.Unknown);
        }
    }

    /// <summary>
    /// The history so far, in invocation order. Operations still pending are reported with an unknown outcome,
    /// which is what they are as far as the checker can tell.
    /// </summary>
    public IReadOnlyList<KvOperation> GetHistory()
    {
        lock (_gate)
        {
            var history = new KvOperation[_entries.Count];
            for (var i = 0; i < history.Length; i++)
            {
                history[i] = _entries[i].ToOperation();
            }

            return history;
        }
    }

    private Entry PendingEntry(OperationHandle handle)
    {
        if ((uint)handle.Index >= (uint)_entries.Count)
        {
            throw new ArgumentException($"Unknown operation handle {handle.Index}.", nameof(handle));
        }

        var entry = _entries[handle.Index];
        if (entry.IsFinished)
        {
            throw new InvalidOperationException($"Operation {handle.Index} ({entry.Command}) already has an outcome.");
        }

        return entry;
    }

    private sealed class Entry(int clientId, KvCommand command, long callTime)
    {
        private long _returnTime;
        private KvOutput _output;

        public KvCommand Command => command;

        public bool IsFinished { get; private set; }

        public void Finish(long returnTime, KvOutput output)
        {
            // A clock read after the call can only be smaller if the clock is not monotonic; clamp rather than reject the history.
            _returnTime = Math.Max(returnTime, callTime);
            _output = output;
            IsFinished = true;
        }

        public KvOperation ToOperation() => IsFinished
            ? new KvOperation(clientId, command, callTime, _returnTime, _output)
            : KvOperation.OutcomeUnknown(clientId, command, callTime);
    }
}
