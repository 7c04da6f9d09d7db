using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Raft;
using OrleansKv.Silo.Transport;

namespace OrleansKv.Silo.Tests.Transport;

public class RaftMessageMapperTests
{
    private static Message ThroughTheWire(Message message)
    {
        // Encode and parse for real, as two silos would.
        var bytes = RaftMessageMapper.ToProto(message).ToByteArray();
        return RaftMessageMapper.FromProto(RaftMessageProto.Parser.ParseFrom(bytes));
    }

    private static void AssertSame(Message expected, Message actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.From, actual.From);
        Assert.Equal(expected.To, actual.To);
        Assert.Equal(expected.Term, actual.Term);
        Assert.Equal(expected.LogTerm, actual.LogTerm);
        Assert.Equal(expected.Index, actual.Index);
        Assert.Equal(expected.Commit, actual.Commit);
        Assert.Equal(expected.Reject, actual.Reject);
        Assert.Equal(expected.RejectHint, actual.RejectHint);
        Assert.Equal(expected.Entries.Length, actual.Entries.Length);
        for (var i = 0; i < expected.Entries.Length; i++)
        {
            Assert.Equal(expected.Entries[i].Index, actual.Entries[i].Index);
            Assert.Equal(expected.Entries[i].Term, actual.Entries[i].Term);
            Assert.Equal(expected.Entries[i].Type, actual.Entries[i].Type);
            Assert.Equal(expected.Entries[i].Data, actual.Entries[i].Data);
        }
        if (expected.Snapshot is null)
        {
            Assert.Null(actual.Snapshot);
        }
        else
        {
            Assert.NotNull(actual.Snapshot);
            Assert.Equal(expected.Snapshot.Metadata.Index, actual.Snapshot.Metadata.Index);
            Assert.Equal(expected.Snapshot.Metadata.Term, actual.Snapshot.Metadata.Term);
            Assert.Equal(expected.Snapshot.Metadata.Membership, actual.Snapshot.Metadata.Membership);
            Assert.Equal(expected.Snapshot.Data, actual.Snapshot.Data);
        }
        if (expected.Context is null) Assert.Null(actual.Context);
        else Assert.Equal(expected.Context, actual.Context);
    }

    [Fact]
    public void Every_scalar_field_and_every_entry_survives_the_round_trip()
    {
        var message = new Message
        {
            Type = MessageType.AppendEntriesResponse,
            From = ulong.MaxValue,
            To = 7,
            Term = 12,
            LogTerm = 11,
            Index = 1_000_000_000_000,
            Commit = 999,
            Reject = true,
            RejectHint = 42,
            Entries =
            [
                new Entry(5, 11, EntryType.Normal, [1, 2, 3]),
                new Entry(6, 12, EntryType.Normal, []),
                new Entry(7, 12, EntryType.Membership, Membership.OfVoters(1, 2, 3).Encode()),
            ],
        };

        var copy = ThroughTheWire(message);

        AssertSame(message, copy);
        Assert.NotNull(copy.Entries[1].Data);
    }

    [Fact]
    public void A_snapshot_keeps_its_metadata_membership_with_learners_and_data()
    {
        var message = new Message
        {
            Type = MessageType.InstallSnapshot,
            From = 1,
            To = 2,
            Term = 4,
            Snapshot = new Snapshot(new SnapshotMetadata(100, 3, new Membership([1, 2, 3], [9])), [9, 8, 7, 6]),
        };

        AssertSame(message, ThroughTheWire(message));
    }

    [Fact]
    public void An_empty_snapshot_stays_a_snapshot_and_a_missing_one_stays_missing()
    {
        var withEmpty = new Message { Type = MessageType.InstallSnapshot, From = 1, To = 2, Snapshot = Snapshot.Empty };
        var without = new Message { Type = MessageType.Heartbeat, From = 1, To = 2 };

        Assert.NotNull(ThroughTheWire(withEmpty).Snapshot);
        Assert.True(ThroughTheWire(withEmpty).Snapshot!.IsEmpty);
        Assert.Null(ThroughTheWire(without).Snapshot);
    }

    [Fact]
    public void A_null_context_and_an_empty_context_stay_different()
    {
        var nullContext = new Message { Type = MessageType.ReadIndex, From = 1, To = 2, Context = null };
        var emptyContext = new Message { Type = MessageType.ReadIndex, From = 1, To = 2, Context = [] };
        var someContext = new Message { Type = MessageType.ReadIndexResponse, From = 2, To = 1, Index = 5, Context = [4, 5] };

        Assert.Null(ThroughTheWire(nullContext).Context);
        Assert.Equal(Array.Empty<byte>(), ThroughTheWire(emptyContext).Context);
        AssertSame(someContext, ThroughTheWire(someContext));
    }

    [Fact]
    public void Every_message_type_maps_to_itself()
    {
        foreach (var type in Enum.GetValues<MessageType>())
        {
            var message = new Message { Type = type, From = 3, To = 4, Term = 1 };
            Assert.Equal(type, ThroughTheWire(message).Type);
        }
    }

    [Fact]
    public void An_unknown_message_type_is_invalid_data()
    {
        var proto = new RaftMessageProto { Type = 200, From = 1, To = 2 };
        Assert.Throws<InvalidDataException>(() => RaftMessageMapper.FromProto(proto));
    }

    [Fact]
    public void An_unknown_entry_type_is_invalid_data()
    {
        var proto = new RaftMessageProto { Type = (uint)MessageType.AppendEntries, From = 1, To = 2 };
        proto.Entries.Add(new RaftEntryProto { Index = 1, Term = 1, Type = 5 });
        Assert.Throws<InvalidDataException>(() => RaftMessageMapper.FromProto(proto));
    }

    [Fact]
    public void A_malformed_snapshot_membership_is_invalid_data()
    {
        var proto = new RaftMessageProto
        {
            Type = (uint)MessageType.InstallSnapshot,
            Snapshot = new RaftSnapshotProto { Index = 1, Term = 1, Membership = ByteString.CopyFrom(1, 2, 3) },
        };
        Assert.Throws<InvalidDataException>(() => RaftMessageMapper.FromProto(proto));
    }
}
