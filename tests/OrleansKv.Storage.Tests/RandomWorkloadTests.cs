using OrleansKv.Replica.Storage;
using OrleansKv.Raft;
using static OrleansKv.Storage.Tests.StoreTestKit;

namespace OrleansKv.Storage.Tests;

/// <summary>
/// A seeded random mix of appends, conflicting rewrites, hard states, local and leader snapshots
/// over several groups, applied to the memory provider (the model) and to the file provider with
/// tiny segments, which is reopened now and then: the recovered state must match the model. With a
/// tiny entry cache nearly every entry is dropped from memory and read back from the segments, so
/// the live store is compared with the model after every step too.
/// </summary>
public sealed class RandomWorkloadTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileStorageProvider OpenFile(long cacheBytes) =>
        new(new FileStorageOptions { Directory = _directory.Path, SegmentBytes = 700, MaxCachedEntryBytes = cacheBytes });

    [Theory]
    [InlineData(1, 4L << 20)]
    [InlineData(2, 4L << 20)]
    [InlineData(3, 4L << 20)]
    [InlineData(4, 1)]
    [InlineData(5, 16)]
    [InlineData(6, 64)]
    public void The_file_provider_recovers_what_the_memory_model_holds(int seed, long cacheBytes)
    {
        var random = new Random(seed);
        using var model = new MemoryStorageProvider();
        var file = OpenFile(cacheBytes);
        try
        {
            ulong term = 1;
            for (var step = 0; step < 400; step++)
            {
                var group = (uint)random.Next(1, 4);
                var expected = model.OpenGroup(group);
                var actual = file.OpenGroup(group);
                switch (random.Next(10))
                {
                    case < 5:
                        var last = expected.LastIndex;
                        var from = random.Next(4) == 0 && last >= expected.FirstIndex
                            ? (ulong)random.Next((int)expected.FirstIndex, (int)last + 2)
                            : last + 1;
                        if (from <= last) term++;
                        var entries = Range(from, from + (ulong)random.Next(0, 3), term);
                        Both(expected, actual, new RaftWrite(null, null, entries));
                        break;
                    case < 7:
                        Both(expected, actual, new RaftWrite(new HardState(term, (ulong)random.Next(1, 4), expected.LastIndex), null, []));
                        break;
                    case < 9:
                        var low = Math.Max(expected.FirstIndex, expected.Snapshot.Metadata.Index);
                        if (expected.LastIndex < low || low == 0) break;
                        var at = (ulong)random.Next((int)low, (int)expected.LastIndex + 1);
                        Assert.True(expected.TryGetTerm(at, out var atTerm));
                        var compactTo = (ulong)random.Next((int)expected.FirstIndex - 1, (int)at + 1);
                        var snapshot = new Snapshot(new SnapshotMetadata(at, atTerm, Membership.OfVoters(1, 2, 3)), [(byte)step]);
                        expected.SaveSnapshotDurably(snapshot, compactTo);
                        actual.SaveSnapshotDurably(snapshot, compactTo);
                        break;
                    default:
                        term++;
                        var leaderIndex = expected.LastIndex + (ulong)random.Next(0, 5);
                        if (leaderIndex <= expected.Snapshot.Metadata.Index) leaderIndex = expected.Snapshot.Metadata.Index + 1;
                        var leaderSnapshot = new Snapshot(new SnapshotMetadata(leaderIndex, term, Membership.OfVoters(1, 2)), [(byte)step, 1]);
                        Both(expected, actual, new RaftWrite(new HardState(term, 2, leaderIndex), leaderSnapshot, []));
                        break;
                }
                AssertSame(expected, actual);
                AssertSameBatches(expected, actual, maxBytes: random.Next(1, 200));
                if (step % 50 == 49)
                {
                    file.Dispose();
                    file = OpenFile(cacheBytes);
                    for (uint g = 1; g <= 3; g++) AssertSame(model.OpenGroup(g), file.OpenGroup(g));
                    Assert.Empty(file.RecoveryWarnings);
                }
            }
            Assert.True(_directory.Segments().Length < 30, $"{_directory.Segments().Length} segments: compacted segments should be deleted");
        }
        finally
        {
            file.Dispose();
        }
    }

    private static void Both(IRaftGroupStore expected, IRaftGroupStore actual, RaftWrite write)
    {
        expected.PersistDurably(write);
        actual.PersistDurably(write);
    }

    // GetEntries's size limit cuts a read at the same entry whether the bytes come from memory or disk.
    private static void AssertSameBatches(IRaftGroupStore expected, IRaftGroupStore actual, long maxBytes)
    {
        if (expected.LastIndex < expected.FirstIndex) return;
        for (var lo = expected.FirstIndex; lo <= expected.LastIndex;)
        {
            List<Entry> want = [], got = [];
            expected.GetEntries(lo, expected.LastIndex + 1, maxBytes, want);
            actual.GetEntries(lo, expected.LastIndex + 1, maxBytes, got);
            Assert.Equal(Describe(want), Describe(got));
            lo = want[^1].Index + 1;
        }
    }

    private static void AssertSame(IRaftGroupStore expected, IRaftGroupStore actual)
    {
        Assert.Equal(expected.HardState, actual.HardState);
        Assert.Equal(expected.FirstIndex, actual.FirstIndex);
        Assert.Equal(expected.LastIndex, actual.LastIndex);
        Assert.Equal(expected.TryGetTerm(expected.FirstIndex - 1, out var t1), actual.TryGetTerm(expected.FirstIndex - 1, out var t2));
        Assert.Equal(t1, t2);
        Assert.Equal(expected.Snapshot.Metadata, actual.Snapshot.Metadata);
        Assert.Equal(expected.Snapshot.Data, actual.Snapshot.Data);
        Assert.Equal(Describe(expected.AllEntries()), Describe(actual.AllEntries()));
    }
}
