using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using OrleansKv.Raft;

namespace OrleansKv.Replica.Peer;

/// <summary>
/// Carries a Ready's outcome into the replica's memory: the leader it names, a snapshot to install,
/// the committed entries to apply to the <see cref="KvStateMachine"/> (answering the writes waiting
/// for them), and the confirmed or dropped reads (served once applied reaches their index); and
/// the same for what a leader may apply early (<see cref="EarlyApply"/>).
/// </summary>
internal sealed class ReadyApplier(KvStateMachine stateMachine, PendingRequests pending, PeerRefusals refusals, SnapshotPolicy snapshots, ulong term)
{
    /// <summary>The leader this replica last heard of and its term, published together. Safe to read from any thread.</summary>
    public Leadership Known => Volatile.Read(ref _known);
    private Leadership _known = new(0, term);

    public void Apply(Ready ready)
    {
        if (ready.SoftState is not null || ready.HardState is not null) Publish(ready);
        if (ready.SoftState is { } soft) OnSoftState(soft);

        if (ready.Snapshot is { } snapshot)
        {
            stateMachine.RestoreSnapshot(snapshot.Metadata.Index, snapshot.Data);
            snapshots.Installed(snapshot.Metadata.Index);
        }

        ApplyCommitted(ready.CommittedEntries, ready.ReadStates);
        foreach (var context in ready.DroppedReads)
            pending.DropRead(BitConverter.ToUInt64(context), refusals.NotLeader());
        pending.ServeReads(stateMachine.AppliedIndex, stateMachine.Read);
    }

    /// <summary>A leader's entries committed and reads confirmed while its Ready is being made durable.</summary>
    public void Apply(EarlyApply early)
    {
        ApplyCommitted(early.CommittedEntries, early.ReadStates);
        pending.ServeReads(stateMachine.AppliedIndex, stateMachine.Read);
    }

    private void ApplyCommitted(IReadOnlyList<Entry> committed, IReadOnlyList<ReadState> reads)
    {
        long appliedBytes = 0;
        foreach (var entry in committed)
        {
            Apply(entry);
            appliedBytes += entry.Data.Length;
        }
        snapshots.Applied(appliedBytes);
        foreach (var read in reads)
            pending.ConfirmRead(BitConverter.ToUInt64(read.Context), read.Index);
    }

    private void Publish(Ready ready)
    {
        var known = new Leadership(ready.SoftState?.Leader ?? _known.Leader, ready.HardState?.Term ?? _known.Term);
        if (known != _known) Volatile.Write(ref _known, known);
    }

    private void OnSoftState(SoftState soft)
    {
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
        // A leader applies its own proposals from the commands it encoded into them; other entries are decoded.
        if (pending.ProposedAt(entry.Index, entry.Term) is not { } command && !TryDecode(entry, out command))
        {
            // Only our own leaders propose, so this is corruption; skip it the same way on every replica.
            stateMachine.Skip(entry.Index);
            pending.CompleteWrite(entry.Index, entry.Term, PendingRequests.Retry(KvStatus.BadRequest, "undecodable command"));
            return;
        }
        var response = stateMachine.Apply(entry.Index, command);
        pending.CompleteWrite(entry.Index, entry.Term, response);
    }

    private static bool TryDecode(Entry entry, out KvCommand command)
    {
        try
        {
            command = KvCommand.Parser.ParseFrom(entry.Data.AsSpan()); // from a span: no CodedInputStream per entry
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            command = null!;
            return false;
        }
    }
}

/// <summary>A replica's view of its group's leadership: the leader's node id (0 if unknown) and the replica's term.</summary>
public sealed record Leadership(ulong Leader, ulong Term);
