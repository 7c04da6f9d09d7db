using System.Text;
using OrleansKv.Linearizability;
using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>What applying one log command produced.</summary>
/// <param name="Output">The answer for the client (the stored one for a retry).</param>
/// <param name="Index">The log index that executed the command (the original one for a retry).</param>
/// <param name="Duplicate">True if this was a retry answered from the session, not applied again.</param>
public readonly record struct ApplyResult(SessionCommand Command, KvOutput Output, ulong Index, bool Duplicate);

/// <summary>
/// The toy replicated KV store: get/put/append/delete/compare-and-set with per-key versions (the log
/// index of the last write) and client sessions for exactly-once. Deterministic: ordinal sorted maps,
/// no randomness, so equal logs give equal states and equal digests.
/// </summary>
public sealed class KvStateMachine
{
    private sealed class KeyRecord
    {
        /// <summary>Null once deleted (the record stays as a tombstone so LastModified survives).</summary>
        public string? Value;
        /// <summary>Index of the last write (put, append, successful CAS, delete of a present key).</summary>
        public ulong LastModified;
        public ulong ValueHash;
    }

    private sealed record Session(ulong LastSequence, KvOutput LastOutput, ulong LastIndex);

    private readonly SortedDictionary<string, KeyRecord> _keys = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, Session> _sessions = [];

    /// <summary>The last log index applied (commands, no-ops and membership entries alike).</summary>
    public ulong AppliedIndex { get; private set; }

    /// <summary>Applies one committed entry. Returns null for non-commands and for stale retries (sequence below the session's).</summary>
    public ApplyResult? Apply(Entry entry)
    {
        if (entry.Index != AppliedIndex + 1)
            throw new InvalidOperationException($"state machine at {AppliedIndex} was handed entry {entry.Index}");
        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Normal || entry.Data.Length == 0) return null;

        var command = SessionCommand.Decode(entry.Data);
        if (_sessions.TryGetValue(command.ClientId, out var session))
        {
            // One request in flight per client: an equal sequence is a retry of the last one, a lower one a stale duplicate.
            if (command.Sequence == session.LastSequence) return new ApplyResult(command, session.LastOutput, session.LastIndex, Duplicate: true);
            if (command.Sequence < session.LastSequence) return null;
        }
        var output = Execute(command.Command, entry.Index);
        _sessions[command.ClientId] = new Session(command.Sequence, output, entry.Index);
        return new ApplyResult(command, output, entry.Index, Duplicate: false);
    }

    private KvOutput Execute(KvCommand command, ulong index)
    {
        _keys.TryGetValue(command.Key, out var record);
        var present = record?.Value is not null;
        switch (command.Kind)
        {
            case KvOperationKind.Get:
                return Read(command.Key);
            case KvOperationKind.Put:
                Write(command.Key, command.Value!, index);
                return KvOutput.Written((long)index);
            case KvOperationKind.Append:
                Write(command.Key, (present ? record!.Value : "") + command.Value, index);
                return KvOutput.Written((long)index);
            case KvOperationKind.Delete:
                if (!present) return KvOutput.Deleted(existed: false);
                record!.Value = null;
                record.LastModified = index;
                record.ValueHash = 0;
                return KvOutput.Deleted(existed: true);
            case KvOperationKind.CompareAndSet:
                var current = present ? (long)record!.LastModified : 0;
                if (current != command.ExpectedVersion) return KvOutput.SwapRejected(current);
                Write(command.Key, command.Value!, index);
                return KvOutput.Swapped((long)index);
            default:
                throw new InvalidOperationException($"unknown command {command.Kind}");
        }
    }

    private void Write(string key, string value, ulong index)
    {
        if (!_keys.TryGetValue(key, out var record)) _keys[key] = record = new KeyRecord();
        record.Value = value;
        record.LastModified = index;
        record.ValueHash = Fnv.Of(value);
    }

    /// <summary>The current value of a key with its version (for ReadIndex reads and log reads).</summary>
    public KvOutput Read(string key) =>
        _keys.TryGetValue(key, out var record) && record.Value is not null
            ? KvOutput.Found(record.Value, (long)record.LastModified)
            : KvOutput.NotFound;

    /// <summary>Index of the last write of any kind to the key (0 if never written).</summary>
    public ulong LastModified(string key) => _keys.TryGetValue(key, out var record) ? record.LastModified : 0;

    /// <summary>A hash of data and sessions: two replicas at the same index must agree on it.</summary>
    public ulong Digest()
    {
        var hash = Fnv.Offset;
        foreach (var (key, record) in _keys)
        {
            hash = Fnv.Add(hash, key);
            hash = Fnv.Add(hash, record.LastModified);
            hash = Fnv.Add(hash, record.Value is null ? 0UL : record.ValueHash ^ (ulong)record.Value.Length);
        }
        foreach (var (client, session) in _sessions)
        {
            hash = Fnv.Add(hash, (ulong)client);
            hash = Fnv.Add(hash, session.LastSequence);
            hash = Fnv.Add(hash, session.LastIndex);
            hash = Fnv.Add(hash, (byte)session.LastOutput.Outcome);
        }
        return hash;
    }

    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(AppliedIndex);
            writer.Write(_keys.Count);
            foreach (var (key, record) in _keys)
            {
                writer.Write(key);
                writer.Write(record.LastModified);
                writer.Write(record.Value is not null);
                if (record.Value is not null) writer.Write(record.Value);
            }
            writer.Write(_sessions.Count);
            foreach (var (client, session) in _sessions)
            {
                writer.Write(client);
                writer.Write(session.LastSequence);
                writer.Write(session.LastIndex);
                WriteOutput(writer, session.LastOutput);
            }
        }
        return stream.ToArray();
    }

    /// <summary>The state a snapshot describes (an empty machine for the empty snapshot).</summary>
    public static KvStateMachine Restore(Snapshot snapshot)
    {
        var machine = new KvStateMachine();
        if (snapshot.IsEmpty) return machine;
        using var reader = new BinaryReader(new MemoryStream(snapshot.Data, writable: false), Encoding.UTF8);
        machine.AppliedIndex = reader.ReadUInt64();
        if (machine.AppliedIndex != snapshot.Metadata.Index)
            throw new InvalidOperationException($"snapshot at {snapshot.Metadata.Index} holds a state machine at {machine.AppliedIndex}");
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var key = reader.ReadString();
            var record = new KeyRecord { LastModified = reader.ReadUInt64() };
            if (reader.ReadBoolean())
            {
                record.Value = reader.ReadString();
                record.ValueHash = Fnv.Of(record.Value);
            }
            machine._keys[key] = record;
        }
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var client = reader.ReadInt32();
            var sequence = reader.ReadUInt64();
            var index = reader.ReadUInt64();
            machine._sessions[client] = new Session(sequence, ReadOutput(reader), index);
        }
        return machine;
    }

    private static void WriteOutput(BinaryWriter writer, KvOutput output)
    {
        writer.Write((byte)output.Outcome);
        writer.Write(output.Value is not null);
        if (output.Value is not null) writer.Write(output.Value);
        writer.Write(output.Version ?? -1);
    }

    private static KvOutput ReadOutput(BinaryReader reader)
    {
        var outcome = (KvOutcome)reader.ReadByte();
        var value = reader.ReadBoolean() ? reader.ReadString() : null;
        var raw = reader.ReadInt64();
        long? version = raw < 0 ? null : raw;
        return outcome switch
        {
            KvOutcome.Found => KvOutput.Found(value!, version),
            KvOutcome.NotFound => KvOutput.NotFound,
            KvOutcome.Written => KvOutput.Written(version),
            KvOutcome.Deleted => KvOutput.Deleted(true),
            KvOutcome.DeletedNothing => KvOutput.Deleted(false),
            KvOutcome.DeleteAcknowledged => KvOutput.Deleted(null),
            KvOutcome.Swapped => KvOutput.Swapped(version),
            KvOutcome.SwapRejected => KvOutput.SwapRejected(version),
            _ => KvOutput.Unknown,
        };
    }
}
