using OrleansKv.Replica.Hosting;
using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Replica.Peer;

/// <summary>
/// The replica's side of the core's shell contract (see <see cref="Ready"/>): take a Ready, hand
/// its durable part to the storage provider, and only when that is fsynced send its messages and
/// Advance; one Ready is outstanding at a time. Its committed entries go to the
/// <see cref="ReadyApplier"/> at once, as do a leader's entries that commit while its Ready is in
/// flight, and after each Advance the <see cref="SnapshotPolicy"/> may take a snapshot.
/// </summary>
internal sealed class ReadyCycle
{
    private static readonly Action NoWait = () => { };

    private readonly uint _groupId;
    private readonly RaftNode _node;
    private readonly IRaftGroupStore _store;
    private readonly IRaftTransport _transport;
    private readonly IPeerHost _host;
    private readonly ReadyApplier _applier;
    private readonly SnapshotPolicy _snapshots;
    private Ready? _inFlight;

    public ReadyCycle(uint groupId, RaftNode node, IRaftGroupStore store, IRaftTransport transport, IPeerHost host,
        ReadyApplier applier, SnapshotPolicy snapshots)
    {
        _groupId = groupId;
        _node = node;
        _store = store;
        _transport = transport;
        _host = host;
        _applier = applier;
        _snapshots = snapshots;
    }

    /// <summary>Ends every turn: starts the next Ready unless one is still being made durable or there is nothing to do.</summary>
    public void Flush()
    {
        if (_inFlight is not null)
        {
            // A leader answers what committed or was confirmed meanwhile now, not after its own fsync.
            if (_node.HasEarlyApply) _applier.Apply(_node.TakeEarlyApply());
            return;
        }
        if (!_node.HasReady) return;
        var ready = _node.GetReady();
        _inFlight = ready;
        // A leader's replication traffic does not wait for its own fsync: its disk write overlaps
        // the followers' (the core counts the leader's copy only after Advance).
        var sentEarly = ready.MessagesMayPrecedePersist;
        if (sentEarly) Send(ready);
        // Committed entries are durable on a quorum already, so they are applied (and answered)
        // while this Ready's new entries are written, not one fsync later. The state machine is
        // in memory: a crash before the write completes loses it all and rebuilds it from disk.
        _applier.Apply(ready);
        var write = RaftWrite.From(ready);
        if (!write.Sync)
        {
            // Nothing to wait for: at most a commit index, written without an fsync of its own.
            if (!write.IsEmpty) _store.Persist(write, NoWait);
            OnDurable(ready, sentEarly);
            return;
        }
        _store.Persist(write, () => _host.Post(() => { OnDurable(ready, sentEarly); }));
    }

    private void Send(Ready ready)
    {
        if (ready.Messages.Count == 0) return;
        List<Message>? withoutHeldSnapshots = null;
        foreach (var message in ready.Messages)
        {
            if (message.Type != MessageType.InstallSnapshot) continue;
            // Delivery is fire-and-forget; if a snapshot is lost the follower's rejection brings the
            // leader back to probing and it sends the snapshot again.
            _node.ReportSnapshot(message.To, succeeded: true);
            var reading = _store.ReadSnapshotAsync(message.Snapshot!);
            if (reading.IsCompletedSuccessfully && ReferenceEquals(reading.Result, message.Snapshot)) continue;
            // The store dropped the snapshot's bytes: it goes out on its own once they are read back.
            withoutHeldSnapshots ??= [.. ready.Messages];
            withoutHeldSnapshots.Remove(message);
            _ = SendWhenReadAsync(message, reading);
        }
        var messages = withoutHeldSnapshots ?? ready.Messages;
        if (messages.Count > 0) _transport.Send(_groupId, messages);
    }

    private async Task SendWhenReadAsync(Message message, Task<Snapshot> reading)
    {
        Snapshot snapshot;
        try
        {
            snapshot = await reading.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // As a lost message: the leader sends the snapshot again when the follower next answers.
            _host.Post(() => SnapshotReadFailed?.Invoke(message.To, e));
            return;
        }
        _host.Post(() => _transport.Send(_groupId, [message.WithSnapshot(snapshot)]));
    }

    /// <summary>Told (on a turn) when a snapshot for a follower could not be read back from storage: the follower and the error.</summary>
    public Action<ulong, Exception>? SnapshotReadFailed { get; set; }

    // The Ready's state is durable: now it is safe to send what depends on it (votes, acknowledgements).
    private void OnDurable(Ready ready, bool sentEarly)
    {
        if (!sentEarly) Send(ready);
        _inFlight = null;
        _node.Advance(ready);
        // Everything applied is durable here (applied entries come from this Ready or earlier ones).
        _snapshots.MaybeSnapshot();
        Flush();
    }
}
