using OrleansKv.Replica.Storage;
using OrleansKv.Raft;
using static OrleansKv.Storage.Tests.StoreTestKit;

namespace OrleansKv.Storage.Tests;

/// <summary>What the file provider recovers when it is opened again over the same folder.</summary>
public sealed class FileRecoveryTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileStorageProvider Open(long segmentBytes = 64L << 20) =>
        new(new FileStorageOptions { Directory = _directory.Path, SegmentBytes = segmentBytes });

    [Fact]
    public void Entries_and_hard_state_survive_reopening()
    {
        using (var provider = Open())
            provider.OpenGroup(7).PersistDurably(new RaftWrite(new HardState(4, 2, 3), null, Range(1, 5, 4)));

        using var reopened = Open();
        var store = reopened.OpenGroup(7);
        Assert.Equal(new HardState(4, 2, 3), store.HardState);
        Assert.Equal(1ul, store.FirstIndex);
        AssertEntries(Range(1, 5, 4), store);
        Assert.Empty(reopened.RecoveryWarnings);
    }

    [Fact]
    public void Membership_entries_keep_their_type_across_reopening()
    {
        var membership = new Entry(1, 1, EntryType.Membership, Membership.OfVoters(1, 2).Encode());
        using (var provider = Open()) provider.OpenGroup(1).AppendDurably(membership, E(2, 1, ""));
        using var reopened = Open();
        var entry = reopened.OpenGroup(1).AllEntries()[0];
        Assert.Equal(EntryType.Membership, entry.Type);
        Assert.Equal(Membership.OfVoters(1, 2), Membership.Decode(entry.Data));
    }

    [Fact]
    public void A_replaced_conflicting_suffix_stays_replaced_after_reopening()
    {
        using (var provider = Open())
        {
            var store = provider.OpenGroup(1);
            store.AppendDurably(Range(1, 6, 1));
            store.AppendDurably(Range(4, 5, 2));
        }
        using var reopened = Open();
        AssertEntries([.. Range(1, 3, 1), .. Range(4, 5, 2)], reopened.OpenGroup(1));
    }

    [Fact]
    public void Interleaved_groups_recover_independently()
    {
        using (var provider = Open(segmentBytes: 512))
        {
            for (ulong i = 1; i <= 30; i++)
                for (uint group = 1; group <= 4; group++)
                    provider.OpenGroup(group).PersistDurably(new RaftWrite(new HardState(group, group, i - 1), null, [E(i, group)]));
        }
        using var reopened = Open(segmentBytes: 512);
        for (uint group = 1; group <= 4; group++)
        {
            var store = reopened.OpenGroup(group);
            Assert.Equal(new HardState(group, group, 29), store.HardState);
            AssertEntries(Range(1, 30, group), store);
        }
    }

    [Fact]
    public void A_torn_tail_record_is_truncated_on_recovery()
    {
        using (var provider = Open())
        {
            var store = provider.OpenGroup(1);
            store.AppendDurably(Range(1, 3, 1));
            store.AppendDurably(Range(4, 4, 1));
        }
        var segment = _directory.Segments()[^1];
        var length = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(length - 5); // cut into the last record

        using (var reopened = Open())
        {
            AssertEntries(Range(1, 3, 1), reopened.OpenGroup(1));
            Assert.Contains(reopened.RecoveryWarnings, w => w.Contains("torn tail"));
            reopened.OpenGroup(1).AppendDurably(Range(4, 5, 2));
        }
        using var again = Open();
        AssertEntries([.. Range(1, 3, 1), .. Range(4, 5, 2)], again.OpenGroup(1));
        Assert.Empty(again.RecoveryWarnings);
    }

    [Fact]
    public void Garbage_appended_after_the_last_record_is_truncated_on_recovery()
    {
        using (var provider = Open()) provider.OpenGroup(1).AppendDurably(Range(1, 3, 1));
        var segment = _directory.Segments()[^1];
        var length = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append)) file.Write(new byte[] { 0x10, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 });

        using var reopened = Open();
        AssertEntries(Range(1, 3, 1), reopened.OpenGroup(1));
        Assert.Single(reopened.RecoveryWarnings);
        Assert.Equal(length, new FileInfo(segment).Length);
    }

    [Fact]
    public void A_flipped_byte_in_a_middle_record_refuses_to_open()
    {
        using (var provider = Open())
        {
            var store = provider.OpenGroup(1);
            store.AppendDurably(E(1, 1, "first-record"));
            store.AppendDurably(E(2, 1, "middle-record"));
            store.AppendDurably(E(3, 1, "last-record"));
        }
        var segment = _directory.Segments()[^1];
        var bytes = File.ReadAllBytes(segment);
        var at = IndexOf(bytes, "middle-record"u8.ToArray());
        bytes[at + 3] ^= 0x40;
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<WalCorruptionException>(() => Open());
        Assert.Equal(segment, error.File);
        Assert.True(error.Offset > 0 && error.Offset < at, $"offset {error.Offset} should point at the record holding byte {at}");
        Assert.Contains(Path.GetFileName(segment), error.Message);
    }

    [Fact]
    public void A_damaged_length_field_in_a_middle_record_refuses_to_open()
    {
        using (var provider = Open())
        {
            var store = provider.OpenGroup(1);
            store.AppendDurably(E(1, 1, "first-record"));
            store.AppendDurably(E(2, 1, "middle-record"));
            store.AppendDurably(E(3, 1, "last-record"));
        }
        var segment = _directory.Segments()[^1];
        var bytes = File.ReadAllBytes(segment);
        // The entries record starts 13 (record prefix) + 12 (first index, count) + 13 (entry header) bytes before its data.
        var recordStart = IndexOf(bytes, "middle-record"u8.ToArray()) - 38;
        bytes[recordStart] ^= 0x08;
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<WalCorruptionException>(() => Open());
        Assert.Equal(recordStart, error.Offset);
    }

    [Fact]
    public void Damage_in_a_segment_that_is_not_the_last_refuses_to_open()
    {
        using (var provider = Open()) provider.OpenGroup(1).AppendDurably(Range(1, 3, 1));
        using (var provider = Open()) provider.OpenGroup(1).AppendDurably(Range(4, 6, 1)); // a second segment
        var segments = _directory.Segments();
        Assert.True(segments.Length >= 2);
        using (var file = new FileStream(segments[0], FileMode.Open)) file.SetLength(file.Length - 3);

        var error = Assert.Throws<WalCorruptionException>(() => Open());
        Assert.Equal(segments[0], error.File);
    }

    [Fact]
    public void A_second_provider_cannot_open_a_folder_in_use()
    {
        using var provider = Open();
        Assert.ThrowsAny<IOException>(() => Open());
    }

    [Fact]
    public void Segments_roll_past_the_configured_size()
    {
        using var provider = Open(segmentBytes: 300);
        var store = provider.OpenGroup(1);
        for (ulong i = 1; i <= 20; i++) store.AppendDurably(E(i, 1, new string('x', 50)));
        Assert.True(_directory.Segments().Length > 3);
        Assert.All(_directory.Segments(), path => Assert.Matches(@"wal-[0-9a-f]{16}\.log$", path));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        var at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, "marker not found in the segment");
        return at;
    }
}
