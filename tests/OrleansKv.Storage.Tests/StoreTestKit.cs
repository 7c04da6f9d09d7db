using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Storage.Tests;

/// <summary>Builders and blocking helpers shared by the storage tests.</summary>
internal static class StoreTestKit
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    public static Entry E(ulong index, ulong term, string data = "") =>
        new(index, term, EntryType.Normal, System.Text.Encoding.UTF8.GetBytes(data == "" ? $"v{index}t{term}" : data));

    public static Entry[] Range(ulong first, ulong last, ulong term) =>
        Enumerable.Range(0, (int)(last - first + 1)).Select(i => E(first + (ulong)i, term)).ToArray();

    public static Snapshot SnapshotAt(ulong index, ulong term, string data = "state") =>
        new(new SnapshotMetadata(index, term, Membership.OfVoters(1, 2, 3)), System.Text.Encoding.UTF8.GetBytes(data));

    /// <summary>Persists and waits until the store reports the write durable.</summary>
    public static void PersistDurably(this IRaftGroupStore store, RaftWrite write)
    {
        using var durable = new ManualResetEventSlim();
        store.Persist(write, durable.Set);
        Assert.True(durable.Wait(WaitLimit), "write was not reported durable in time");
    }

    public static void AppendDurably(this IRaftGroupStore store, params Entry[] entries) =>
        store.PersistDurably(new RaftWrite(null, null, entries));

    /// <summary>Stages a snapshot's bytes as the peer grain does, streamed; returns what to save.</summary>
    public static Snapshot Stage(this IRaftGroupStore store, Snapshot snapshot) =>
        store.StageSnapshot(snapshot.Metadata, snapshot.Data.Length, stream => stream.Write(snapshot.Data));

    public static void SaveSnapshotDurably(this IRaftGroupStore store, Snapshot snapshot, ulong compactTo)
    {
        using var durable = new ManualResetEventSlim();
        store.SaveSnapshot(snapshot, compactTo, durable.Set);
        Assert.True(durable.Wait(WaitLimit), "snapshot was not reported durable in time");
    }

    /// <summary>Every entry the store holds, FirstIndex to LastIndex.</summary>
    public static List<Entry> AllEntries(this IRaftLog log)
    {
        var entries = new List<Entry>();
        if (log.LastIndex >= log.FirstIndex) log.GetEntries(log.FirstIndex, log.LastIndex + 1, long.MaxValue, entries);
        return entries;
    }

    /// <summary>Entries compared by index, term, type and payload (Entry's own equality compares array references).</summary>
    public static string Describe(IEnumerable<Entry> entries) =>
        string.Join(" ", entries.Select(e => $"{e.Index}/{e.Term}/{e.Type}/{Convert.ToHexString(e.Data)}"));

    public static void AssertEntries(IEnumerable<Entry> expected, IRaftLog log) =>
        Assert.Equal(Describe(expected), Describe(log.AllEntries()));

    /// <summary>Waits for a condition set by another thread, failing after the timeout.</summary>
    public static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Thread.Yield();
        }
    }
}
