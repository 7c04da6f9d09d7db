using System.Runtime.InteropServices;
using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Raft;

namespace OrleansKv.Silo.Transport;

/// <summary>
/// Converts Raft messages to and from their wire form.
/// Byte arrays are shared, not copied, in both directions. Outbound, entry data, snapshot data
/// and contexts are wrapped with <see cref="UnsafeByteOperations.UnsafeWrap(ReadOnlyMemory{byte})"/>:
/// safe because the Raft core and the grains never mutate a payload once it is in a message or
/// the log. Inbound, a parsed <see cref="ByteString"/> owns a fresh array of exactly its length,
/// which the message adopts; anything else (a slice) is copied.
/// </summary>
public static class RaftMessageMapper
{
    private const uint HighestMessageType = (uint)MessageType.ReadIndexResponse;
    private const uint HighestEntryType = (uint)EntryType.Membership;

    public static RaftMessageProto ToProto(Message message)
    {
        var proto = new RaftMessageProto
        {
            Type = (uint)message.Type,
            From = message.From,
            To = message.To,
            Term = message.Term,
            LogTerm = message.LogTerm,
            Index = message.Index,
            Commit = message.Commit,
            Reject = message.Reject,
            RejectHint = message.RejectHint,
        };
        foreach (var entry in message.Entries)
        {
            proto.Entries.Add(new RaftEntryProto
            {
                Index = entry.Index,
                Term = entry.Term,
                Type = (uint)entry.Type,
                Data = Wrap(entry.Data),
            });
        }
        if (message.Snapshot is { } snapshot)
        {
            proto.Snapshot = new RaftSnapshotProto
            {
                Index = snapshot.Metadata.Index,
                Term = snapshot.Metadata.Term,
                Membership = Wrap(snapshot.Metadata.Membership.Encode()),
                Data = Wrap(snapshot.Data),
            };
        }
        if (message.Context is { } context)
        {
            // proto3 bytes cannot tell null from empty: has_context carries the difference.
            proto.HasContext = true;
            proto.Context = Wrap(context);
        }
        return proto;
    }

    /// <exception cref="InvalidDataException">The proto names an unknown message or entry type, or its membership is malformed.</exception>
    public static Message FromProto(RaftMessageProto proto)
    {
        if (proto.Type > HighestMessageType)
            throw new InvalidDataException($"unknown Raft message type {proto.Type}");
        var entries = proto.Entries.Count == 0 ? [] : new Entry[proto.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = proto.Entries[i];
            if (entry.Type > HighestEntryType)
                throw new InvalidDataException($"unknown Raft entry type {entry.Type}");
            entries[i] = new Entry(entry.Index, entry.Term, (EntryType)entry.Type, Adopt(entry.Data));
        }
        return new Message
        {
            Type = (MessageType)proto.Type,
            From = proto.From,
            To = proto.To,
            Term = proto.Term,
            LogTerm = proto.LogTerm,
            Index = proto.Index,
            Entries = entries,
            Commit = proto.Commit,
            Snapshot = proto.Snapshot is null ? null : SnapshotFromProto(proto.Snapshot),
            Reject = proto.Reject,
            RejectHint = proto.RejectHint,
            Context = proto.HasContext ? Adopt(proto.Context) : null,
        };
    }

    private static Snapshot SnapshotFromProto(RaftSnapshotProto proto)
    {
        Membership membership;
        try
        {
            membership = Membership.Decode(proto.Membership.Span);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"malformed snapshot membership: {e.Message}", e);
        }
        return new Snapshot(new SnapshotMetadata(proto.Index, proto.Term, membership), Adopt(proto.Data));
    }

    private static ByteString Wrap(byte[]? bytes) =>
        bytes is null || bytes.Length == 0 ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(bytes);

    private static byte[] Adopt(ByteString bytes)
    {
        if (bytes.Length == 0) return [];
        if (MemoryMarshal.TryGetArray(bytes.Memory, out var segment)
            && segment.Offset == 0 && segment.Count == segment.Array!.Length)
            return segment.Array;
        return bytes.ToByteArray();
    }
}
