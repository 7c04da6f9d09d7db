using OrleansKv.Linearizability;

namespace OrleansKv.Simulation;

/// <summary>A write the store acknowledged: its effect must survive to the end of the run.</summary>
public readonly record struct AcknowledgedWrite(int ClientId, ulong Sequence, string Key, ulong Index, ulong CommandHash);

/// <summary>
/// A client with one operation in flight at a time. It sends to the node it believes leads; on a
/// refusal it follows the leader hint, on a timeout it retries elsewhere, always with the same
/// (client, sequence) so the state machine applies a write at most once. An operation counts as done
/// only when an answer comes back; a client sometimes gives up on one after several retries, and that
/// operation is recorded with an unknown outcome. Every operation goes into the history recorder.
/// </summary>
internal sealed class SimClient
{
    private const int TimeoutMillis = 300;
    private const int ThinkMillis = 40;

    private readonly Simulation _sim;
    private readonly Dictionary<string, long> _lastSeenVersion = new(StringComparer.Ordinal);
    private ulong _sequence;
    private KvCommand? _command;
    private ReadPath _path;
    private byte[] _encoded = [];
    private OperationHandle _handle;
    private int _attempt;
    private ulong _target;

    public SimClient(Simulation sim, int id)
    {
        _sim = sim;
        Id = id;
    }

    public int Id { get; }

    public bool Busy => _command is not null;

    public void Start() => _sim.Queue.After(_sim.Rng.Next(ThinkMillis), Begin);

    private void Begin()
    {
        if (_sim.Healed) return; // the load stops when the faults stop; pending operations must still finish
        var rng = _sim.Rng;
        var key = $"k{rng.Next(_sim.KeyCount)}";
        _sequence++;
        var tag = $"{Id}.{_sequence}";
        _path = ReadPath.Log;
        var roll = rng.Next(100);
        if (roll < 25)
        {
            _command = KvCommand.Get(key);
            _path = ReadPath.ReadIndex;
            _sim.Stats.ReadIndexReads++;
        }
        else if (roll < 35)
        {
            _command = KvCommand.Get(key);
            _sim.Stats.LogReads++;
        }
        else if (roll < 55) _command = KvCommand.Put(key, $"p{tag}");
        else if (roll < 70) _command = KvCommand.Append(key, $"+{tag}");
        else if (roll < 80) _command = KvCommand.Delete(key);
        else
        {
            var known = _lastSeenVersion.GetValueOrDefault(key);
            var pick = rng.Next(10);
            var expected = pick < 6 ? known : pick < 8 ? 0 : known + 1 + rng.Next(3);
            _command = KvCommand.CompareAndSet(key, expected, $"c{tag}");
        }
        _encoded = new SessionCommand(Id, _sequence, _command).Encode();
        _handle = _sim.Recorder.Invoke(Id, _command);
        _sim.Stats.OperationsInvoked++;
        _attempt = 0;
        var target = _target != 0 && _sim.IsInDirectory(_target) ? _target : _sim.RandomDirectoryNode(0);
        Send(target);
    }

    private void Send(ulong node)
    {
        _attempt++;
        _target = node;
        var request = new ClientRequest(Id, _sequence, _attempt, _command!, _path, _encoded);
        _sim.Trace.Event(TraceKind.ClientSend, node, (ulong)Id, _sequence,
            _sim.Trace.Verbose ? $"client {Id} #{_sequence} attempt {_attempt}: {_command} via {_path}" : null);
        _sim.Network.SendToNode(request, node);
        var sequence = _sequence;
        var attempt = _attempt;
        _sim.Queue.After(TimeoutMillis, () =>
        {
            if (_command is null || _sequence != sequence || _attempt != attempt) return;
            OnTimeout();
        });
    }

    private void OnTimeout()
    {
        _sim.Stats.Retries++;
        if (!_sim.Healed && _attempt >= 3 && _sim.Rng.Next(8) == 0)
        {
            // Give up: the write may or may not happen, now or later. The next operation uses a new sequence.
            _sim.Stats.OperationsAbandoned++;
            _sim.Trace.Event(TraceKind.ClientGiveUp, _target, (ulong)Id, _sequence, _sim.Trace.Verbose ? $"client {Id} gives up on #{_sequence}" : null);
            _sim.Recorder.Unknown(_handle);
            Finish();
            return;
        }
        Send(_sim.RandomDirectoryNode(_target));
    }

    public void OnReply(ClientReply reply)
    {
        if (_command is null || reply.Sequence != _sequence) return; // an answer to an operation already finished
        if (reply.Refused)
        {
            if (reply.Attempt != _attempt) return; // a refusal from an attempt already superseded
            _sim.Trace.Event(TraceKind.ClientReply, reply.From, (ulong)Id, reply.LeaderHint,
                _sim.Trace.Verbose ? $"client {Id} #{_sequence} refused by {reply.From}, leader hint {reply.LeaderHint}" : null);
            _attempt++; // invalidates the pending timeout
            var attempt = _attempt;
            var next = reply.LeaderHint != 0 && reply.LeaderHint != reply.From && _sim.IsInDirectory(reply.LeaderHint)
                ? reply.LeaderHint
                : _sim.RandomDirectoryNode(reply.From);
            _sim.Queue.After(5 + _sim.Rng.Next(25), () =>
            {
                if (_command is null || _attempt != attempt) return;
                _sim.Stats.Retries++;
                Send(next);
            });
            return;
        }

        var output = reply.Output;
        _sim.Trace.Event(TraceKind.ClientDone, reply.From, (ulong)Id, _sequence,
            _sim.Trace.Verbose ? $"client {Id} #{_sequence} {_command} -> {output} (index {reply.Index}, from {reply.From})" : null);
        _sim.Recorder.Return(_handle, output);
        _sim.Stats.OperationsAcknowledged++;
        var wrote = output.Outcome is KvOutcome.Written or KvOutcome.Swapped or KvOutcome.Deleted;
        if (wrote) _sim.AcknowledgedWrites.Add(new AcknowledgedWrite(Id, _sequence, _command.Key, reply.Index, Fnv.Of(_encoded)));
        if (output.Version is { } version) _lastSeenVersion[_command.Key] = version;
        else if (output.Outcome is KvOutcome.NotFound or KvOutcome.Deleted) _lastSeenVersion[_command.Key] = 0;
        _target = reply.From;
        Finish();
    }

    private void Finish()
    {
        _command = null;
        _sim.Queue.After(_sim.Rng.Next(ThinkMillis), Begin);
    }
}
