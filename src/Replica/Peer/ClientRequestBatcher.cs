using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Replica.Hosting;
using OrleansKv.Replica.Kv;
using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Replica.Peer;

/// <summary>
/// Takes a replica's client requests. What needs no Raft round is answered at once (an invalid
/// request, a stale read, a request to a follower); the rest of a mailbox burst is buffered, and one
/// turn posted behind it proposes every write as one batch of entries and asks one ReadIndex for
/// every read. From then on <see cref="PendingRequests"/> holds them until they are answered.
/// </summary>
internal sealed class ClientRequestBatcher
{
    private readonly PeerOptions _options;
    private readonly RaftNode _node;
    private readonly IRaftGroupStore _store;
    private readonly IPeerHost _host;
    private readonly KvStateMachine _stateMachine;
    private readonly PendingRequests _pending;
    private readonly PeerRefusals _refusals;
    private readonly ReadyCycle _readyCycle;
    private readonly List<ClientCall> _bufferedWrites = [];
    private readonly List<ClientCall> _bufferedReads = [];
    private readonly List<KvCommand> _commands = [];
    private readonly List<byte[]> _encoded = [];
    private bool _batchPosted;

    public ClientRequestBatcher(PeerOptions options, RaftNode node, IRaftGroupStore store, IPeerHost host,
        KvStateMachine stateMachine, PendingRequests pending, PeerRefusals refusals, ReadyCycle readyCycle)
    {
        _options = options;
        _node = node;
        _store = store;
        _host = host;
        _stateMachine = stateMachine;
        _pending = pending;
        _refusals = refusals;
        _readyCycle = readyCycle;
    }

    /// <summary>Answers <paramref name="request"/> now or buffers it for the next batch; <paramref name="now"/> is the peer's tick count.</summary>
    public void Accept(KvRequest request, Action<KvResponse> reply, long now)
    {
        if (_stateMachine.Validate(request) is { } invalid) { reply(invalid); return; }

        if (request.Operation == KvOperation.Get && request.Consistency == ReadConsistency.Stale)
        {
            var answer = _stateMachine.Read(request);
            answer.Stale = true;
            reply(answer);
            return;
        }
        if (_node.Role != RaftRole.Leader) { reply(_refusals.NotLeader()); return; }

        // Requests are not proposed one by one: the ones already waiting in the mailbox join them,
        // and a turn posted behind those proposes every write as one batch of entries and asks one
        // ReadIndex for every read (one AppendEntries and one heartbeat round per batch, not per request).
        var deadline = now + _options.RequestTimeoutTicks;
        if (request.Operation == KvOperation.Get) _bufferedReads.Add(new ClientCall(request, reply, deadline));
        else _bufferedWrites.Add(new ClientCall(request, reply, deadline));
        if (!_batchPosted)
        {
            _batchPosted = true;
            _host.Post(ProposeBuffered);
        }
    }

    private void ProposeBuffered()
    {
        _batchPosted = false;
        if (_bufferedWrites.Count > 0) ProposeWrites();
        if (_bufferedReads.Count > 0) RequestReadIndex();
        _readyCycle.Flush();
    }

    private void ProposeWrites()
    {
        if (_node.Role != RaftRole.Leader || _store.IsBackedUp)
        {
            // Leadership moved since the requests were buffered, or the disk is behind: nothing
            // was proposed, so the refusal is true, and the clients retry.
            var refusal = _node.Role != RaftRole.Leader ? null : _refusals.BackedUp();
            foreach (var write in _bufferedWrites) write.Reply(refusal?.Clone() ?? _refusals.NotLeader());
            _bufferedWrites.Clear();
            return;
        }
        var proposedAt = _host.UtcNowMilliseconds;
        foreach (var write in _bufferedWrites)
        {
            var command = new KvCommand
            {
                Request = write.Request,
                ProposedAtUnixMs = proposedAt,
                MaxKeyBytes = (uint)_options.Limits.MaxKeyBytes,
                MaxValueBytes = (uint)_options.Limits.MaxValueBytes,
            };
            _commands.Add(command);
            _encoded.Add(command.ToByteArray());
        }
        var result = _node.Propose(_encoded);
        for (var i = 0; i < _bufferedWrites.Count; i++)
        {
            var write = _bufferedWrites[i];
            if (result.IsDropped) write.Reply(_refusals.Refused(result));
            // The command object stays with the pending write: the leader applies it without decoding its entry.
            else _pending.AddWrite(result.FirstIndex + (ulong)i, result.Term, _commands[i], write.Reply, write.Deadline);
        }
        _bufferedWrites.Clear();
        _commands.Clear();
        _encoded.Clear();
    }

    private void RequestReadIndex()
    {
        var context = _pending.AddReads(_bufferedReads);
        _bufferedReads.Clear();
        if (_node.Role != RaftRole.Leader) { _pending.DropRead(context, _refusals.NotLeader()); return; }
        var read = _node.ReadIndex(BitConverter.GetBytes(context));
        if (read.IsDropped) _pending.DropRead(context, _refusals.Refused(read));
    }
}
