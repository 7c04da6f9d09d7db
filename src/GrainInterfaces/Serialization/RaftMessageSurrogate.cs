using Orleans.Serialization.Cloning;
using OrleansKv.Raft;

namespace OrleansKv.Grains.Serialization;

/// <summary>
/// How a Raft <see cref="Message"/> travels in a grain call. The Raft core has no dependencies,
/// so its types carry no serializer attributes; this surrogate and its converter teach Orleans
/// to serialize them field by field. The type travels as its byte value: Orleans has no codec
/// for the core's enums, and its untyped fallback would box one per message.
/// </summary>
[GenerateSerializer]
public struct RaftMessageSurrogate
{
    [Id(0)] public byte Type;
    [Id(1)] public ulong From;
    [Id(2)] public ulong To;
    [Id(3)] public ulong Term;
    [Id(4)] public ulong LogTerm;
    [Id(5)] public ulong Index;
    [Id(6)] public Entry[]? Entries;
    [Id(7)] public ulong Commit;
    [Id(8)] public Snapshot? Snapshot;
    [Id(9)] public bool Reject;
    [Id(10)] public ulong RejectHint;
    [Id(11)] public byte[]? Context;
}

/// <summary>
/// Converts a Raft <see cref="Message"/> to and from its surrogate. Sending shares the instance
/// instead of deep-copying it: a message is immutable (init-only), and the entries it carries are
/// the log's own, whose bytes nothing changes once appended.
/// </summary>
[RegisterConverter, RegisterCopier]
public sealed class RaftMessageConverter : IConverter<Message, RaftMessageSurrogate>, IDeepCopier<Message>
{
    public Message ConvertFromSurrogate(in RaftMessageSurrogate surrogate) => new()
    {
        Type = (MessageType)surrogate.Type,
        From = surrogate.From,
        To = surrogate.To,
        Term = surrogate.Term,
        LogTerm = surrogate.LogTerm,
        Index = surrogate.Index,
        Entries = surrogate.Entries ?? [],
        Commit = surrogate.Commit,
        Snapshot = surrogate.Snapshot,
        Reject = surrogate.Reject,
        RejectHint = surrogate.RejectHint,
        Context = surrogate.Context,
    };

    public RaftMessageSurrogate ConvertToSurrogate(in Message value) => new()
    {
        Type = (byte)value.Type,
        From = value.From,
        To = value.To,
        Term = value.Term,
        LogTerm = value.LogTerm,
        Index = value.Index,
        Entries = value.Entries.Length == 0 ? null : value.Entries,
        Commit = value.Commit,
        Snapshot = value.Snapshot,
        Reject = value.Reject,
        RejectHint = value.RejectHint,
        Context = value.Context,
    };

    public Message? DeepCopy(Message? input, CopyContext context) => input;
}
