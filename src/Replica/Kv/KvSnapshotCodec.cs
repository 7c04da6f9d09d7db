using System.Buffers.Binary;
using System.Text;
using OrleansKv.Contracts;
using OrleansKv.Replica.Storage;

namespace OrleansKv.Replica.Kv;

/// <summary>
/// The KV snapshot format, version 1, all integers little-endian, lengths and counts as int32:
/// <code>
/// byte  format (1)
/// u64   applied index, i64 clock ms, i64 last sweep ms
/// i32   key count;     per key:     sized key, sized value, u64 version
/// i32   session count; per session: u64 client id, u64 horizon, i64 last active ms,
///       i32 answer count; per answer: u64 sequence, i32 status, u64 version, byte existed, sized UTF-8 message
/// u64   FNV-1a 64 of every byte before it
/// </code>
/// The checksum catches damage the structure would not (a flipped bit inside a value).
/// It is measured first (a store needs its length up front) and then encoded as it is read.
/// </summary>
internal static class KvSnapshotCodec
{
    private const byte FormatVersion = 1;
    private const int HeaderBytes = 1 + 8 + 8 + 8;
    private const int ChecksumBytes = 8;
    private const int MinimumKeyBytes = 4 + 4 + 8;
    private const int MinimumSessionBytes = 8 + 8 + 8 + 4;
    private const int MinimumAnswerBytes = 8 + 4 + 8 + 1 + 4;

    /// <summary>The snapshot of <paramref name="state"/> as one array (a state under 2 GiB).</summary>
    public static byte[] Encode(KvState state)
    {
        return Prepare(state).ReadAll();
    }

    /// <summary>
    /// Measures the snapshot of <paramref name="state"/>, which must not change while the result is
    /// in use: each stream it opens encodes the state afresh, a key at a time, as it is read.
    /// </summary>
    public static SnapshotSource Prepare(KvState state)
    {
        // Sessions' answers in sequence order, gathered once for sizing and writing.
        var sessions = new KvSession[state.Sessions.Count];
        state.Sessions.Values.CopyTo(sessions, 0);
        var sequences = new ulong[sessions.Length][];

        long size = HeaderBytes + 4 + 4 + ChecksumBytes;
        foreach (var (key, stored) in state.Data) size += MinimumKeyBytes + key.Length + stored.Value.Length;
        for (var i = 0; i < sessions.Length; i++)
        {
            sequences[i] = sessions[i].SortedSequences();
            size += MinimumSessionBytes;
            foreach (var sequence in sequences[i])
            {
                sessions[i].TryGetAnswer(sequence, out var answer);
                size += MinimumAnswerBytes + Encoding.UTF8.GetByteCount(answer.Message);
            }
        }
        return new SnapshotSource(size, () => new SteppedReadStream(sink => Write(state, sessions, sequences, size, sink)));
    }

    // Yields after every key and every session: a step of the stream.
    private static IEnumerable<bool> Write(KvState state, KvSession[] sessions, ulong[][] sequences, long size, Stream stream)
    {
        var writer = new SnapshotStreamWriter(stream);
        writer.WriteByte(FormatVersion);
        writer.WriteUInt64(state.AppliedIndex);
        writer.WriteInt64(state.ClockMs);
        writer.WriteInt64(state.LastSweepMs);

        writer.WriteInt32(state.Data.Count);
        foreach (var (key, stored) in state.Data)
        {
            writer.WriteSized(key);
            writer.WriteSized(stored.Value);
            writer.WriteUInt64(stored.Version);
            yield return true;
        }

        writer.WriteInt32(sessions.Length);
        for (var i = 0; i < sessions.Length; i++)
        {
            var session = sessions[i];
            writer.WriteUInt64(session.ClientId);
            writer.WriteUInt64(session.Horizon);
            writer.WriteInt64(session.LastActiveMs);
            writer.WriteInt32(sequences[i].Length);
            foreach (var sequence in sequences[i])
            {
                session.TryGetAnswer(sequence, out var answer);
                writer.WriteUInt64(sequence);
                writer.WriteInt32((int)answer.Status);
                writer.WriteUInt64(answer.Version);
                writer.WriteByte(answer.Existed ? (byte)1 : (byte)0);
                writer.WriteSized(Encoding.UTF8.GetBytes(answer.Message));
            }
            yield return true;
        }
        writer.WriteChecksumAndFlush();
        if (writer.Position != size)
            throw new InvalidOperationException($"the KV snapshot came to {writer.Position} bytes, {size} were measured: the state changed while it was written");
    }

    /// <summary>Reads a snapshot taken at <paramref name="index"/>; anything damaged or inconsistent is an <see cref="InvalidDataException"/>.</summary>
    public static KvState Decode(ReadOnlySpan<byte> data, ulong index)
    {
        if (data.Length < HeaderBytes + 4 + 4 + ChecksumBytes)
            throw new InvalidDataException($"KV snapshot: {data.Length} bytes is too short to be a snapshot");
        var body = data[..^ChecksumBytes];
        if (BinaryPrimitives.ReadUInt64LittleEndian(data[^ChecksumBytes..]) != Fnv1a64.Of(body))
            throw new InvalidDataException("KV snapshot: checksum mismatch (the snapshot is damaged)");

        var reader = new SnapshotSpanReader(body);
        var format = reader.ReadByte();
        if (format != FormatVersion) throw new InvalidDataException($"KV snapshot: unknown format version {format}");

        var state = new KvState { AppliedIndex = reader.ReadUInt64(), ClockMs = reader.ReadInt64(), LastSweepMs = reader.ReadInt64() };
        if (state.AppliedIndex != index)
            throw new InvalidDataException($"KV snapshot: taken at index {state.AppliedIndex}, offered as the snapshot at index {index}");

        var keyCount = reader.ReadCount(MinimumKeyBytes);
        state.Data.EnsureCapacity(keyCount);
        for (var i = 0; i < keyCount; i++)
        {
            var key = reader.ReadSized().ToArray();
            var value = reader.ReadSized().ToArray();
            var version = reader.ReadUInt64();
            if (key.Length == 0 || version == 0 || version > state.AppliedIndex)
                throw new InvalidDataException("KV snapshot: a key is empty or has an impossible version");
            if (!state.Data.TryAdd(key, new StoredValue(value, version)))
                throw new InvalidDataException("KV snapshot: a key appears twice");
        }

        var sessionCount = reader.ReadCount(MinimumSessionBytes);
        for (var i = 0; i < sessionCount; i++) ReadSession(ref reader, state);

        if (!reader.AtEnd) throw new InvalidDataException($"KV snapshot: {reader.Remaining} unexpected bytes after the sessions");
        return state;
    }

    private static void ReadSession(ref SnapshotSpanReader reader, KvState state)
    {
        var clientId = reader.ReadUInt64();
        var horizon = reader.ReadUInt64();
        var session = new KvSession(clientId, reader.ReadInt64());
        session.RestoreHorizon(horizon);
        if (clientId == 0 || !state.Sessions.TryAdd(clientId, session))
            throw new InvalidDataException($"KV snapshot: session {clientId} is invalid or appears twice");

        var answerCount = reader.ReadCount(MinimumAnswerBytes);
        for (var i = 0; i < answerCount; i++)
        {
            var sequence = reader.ReadUInt64();
            var status = (KvStatus)reader.ReadInt32();
            var version = reader.ReadUInt64();
            var existed = reader.ReadByte() switch
            {
                0 => false,
                1 => true,
                var other => throw new InvalidDataException($"KV snapshot: {other} is not a boolean"),
            };
            var message = Encoding.UTF8.GetString(reader.ReadSized());
            if (sequence < horizon || session.TryGetAnswer(sequence, out _))
                throw new InvalidDataException($"KV snapshot: session {clientId} has an answer for sequence {sequence} below its horizon or twice");
            // No trimming here: the restored session must be exactly the one snapshotted.
            session.Remember(sequence, new StoredAnswer(status, version, existed, message), int.MaxValue);
        }
    }
}
