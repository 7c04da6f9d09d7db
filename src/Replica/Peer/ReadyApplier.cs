using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using OrleansKv.Raft;

namespace OrleansKv.Replica.Peer;

/// <summary>
/// Carries a Ready's outcome into the replica's memory: the leader it names, a snapshot to install,
/// the committed entries to apply to the <see cref="KvStateMachine"/> (answering the writes waiting
/// for them), and the confirmed or dropped reads (served once applied reaches their index).
/// </summary>
internal sealed class ReadyApplier(KvStateMachine stateMachine, PendingRequests pending, PeerRefusals refusals, SnapshotPolicy snapshots)
{
    /// <summary>The leader this replica last heard of (its node id), 0 if none. Safe to read from any thread.</summary>
    public ulong KnownLeader => Volatile.Read(ref _knownLeader);
    private ulong _knownLeader;

    public void Apply(Ready ready)
    {
        if (ready.SoftState is { } soft) OnSoftState(soft);

        if (ready.Snapshot is { } snapshot)
        {
            stateMachine.RestoreSnapshot(snapshot.Metadata.Index, snapshot.Data);
            snapshots.Installed(snapshot.Metadata.Index);
        }

        foreach (var entry in ready.CommittedEntries) Apply(entry);

        foreach (var read in ready.ReadStates)
            pending.ConfirmRead(BitConverter.ToUInt64(read.Context), read.Index);
        foreach (var context in ready.DroppedReads)
            pending.DropRead(BitConverter.ToUInt64(context), refusals.NotLeader());
        pending.ServeReads(stateMachine.AppliedIndex, stateMachine.Read);
    }

    private void OnSoftState(SoftState soft)
    {
        Volatile.Write(ref _knownLeader, soft.Leader);
        // A replica that stops leading cannot answer what it took on; clients retry at the new
        // leader with the same (client, sequence), so a write that still commits applies once.
        if (soft.Role != RaftRole.Leader && pending.Count > 0) pending.FailAll(refusals.NotLeader());
    }

    private void Apply(Entry entry)
    {
        if (entry.Type != EntryType.Normal || entry.Data.Length == 0)
        {
            stateMachine.Skip(entry.Index);
            return;
        }
        KvCommand command;
        try
        {
            command = KvCommand.Parser.ParseFrom(entry.Data);
        }
        catch (InvalidProtocolBufferException)
        {
            // Only our own leaders propose, so this is corruption; skip it the same way on every replica.
            stateMachine.Skip(entry.Index);
            pending.CompleteWrite(entry.Index, entry.Term, PendingRequests.Retry(KvStatus.BadRequest, "undecodable command"));
            return;
        }
        var response = stateMachine.Apply(entry.Index, command);
        pending.CompleteWrite(entry.Index, entry.Term, response);
    }
}
