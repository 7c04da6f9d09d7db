using System.Diagnostics;
using OrleansKv.Raft;

namespace OrleansKv.Bench;

/// <summary>
/// Proposals committed per second through an in-memory 3-node cluster, driven as fast as the core
/// allows: no I/O, no threads, messages delivered in process. Measures the core's own cost per
/// proposal (CPU and allocations) at several batch sizes; it says nothing about fsync or network.
/// </summary>
internal static class RaftBenchmark
{
    private const int CommandBytes = 128;

    public static int Run(string[] args)
    {
        var seconds = args.Length > 1 && double.TryParse(args[1], out var s) ? s : 3.0;
        Console.WriteLine($"Raft core: 3 nodes in memory, {CommandBytes}-byte commands, {seconds:0.#} s per batch size, window of 8 batches in flight");
        Console.WriteLine();
        Console.WriteLine("| batch | proposals/s | batches/s | bytes allocated/proposal |");
        Console.WriteLine("|------:|------------:|----------:|-------------------------:|");
        foreach (var batch in new[] { 1, 16, 256 })
        {
            Measure(batch, TimeSpan.FromSeconds(0.5)); // warm-up: JIT, tiered compilation
            var (proposals, batches, allocated) = Measure(batch, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"| {batch,5} | {proposals,11:N0} | {batches,9:N0} | {allocated,24:N0} |");
        }
        return 0;
    }

    private static (double ProposalsPerSecond, double BatchesPerSecond, double BytesPerProposal) Measure(int batchSize, TimeSpan duration)
    {
        var cluster = new InMemoryCluster(3);
        cluster.ElectLeader(1);
        var leader = cluster.Nodes[0];
        var command = new byte[CommandBytes];
        var commands = new byte[batchSize][];
        for (var i = 0; i < batchSize; i++) commands[i] = command;

        const int window = 8; // batches proposed ahead of commit, like a pipelined client
        long proposed = 0;
        var startCommitted = cluster.AppliedAtLeader;
        var startAllocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var batches = 0L;
        while (clock.Elapsed < duration)
        {
            while (proposed - (cluster.AppliedAtLeader - startCommitted) < window * batchSize)
            {
                var result = leader.Propose(commands);
                if (result.IsDropped) throw new InvalidOperationException($"proposal dropped: {result}");
                proposed += batchSize;
                batches++;
            }
            cluster.Pump();
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        var committed = cluster.AppliedAtLeader - startCommitted;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - startAllocated;
        return (committed / elapsed, batches / elapsed, committed == 0 ? 0 : (double)allocated / committed);
    }

    /// <summary>Nodes over MemoryRaftLogs with instant delivery; compacts logs so memory stays flat.</summary>
    private sealed class InMemoryCluster
    {
        public RaftNode[] Nodes { get; }
        private readonly MemoryRaftLog[] _storage;
        private readonly Queue<Message> _network = new();
        private readonly Dictionary<ulong, int> _slot = [];

        public long AppliedAtLeader { get; private set; }

        public InMemoryCluster(int size)
        {
            var ids = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
            var membership = Membership.OfVoters(ids);
            Nodes = new RaftNode[size];
            _storage = new MemoryRaftLog[size];
            for (var i = 0; i < size; i++)
            {
                _storage[i] = new MemoryRaftLog();
                _slot[ids[i]] = i;
                Nodes[i] = new RaftNode(new RaftOptions
                {
                    Id = ids[i], InitialMembership = membership, Random = new Random(i),
                    MaxInflightMessages = 64, MaxBytesPerMessage = 1 << 20,
                }, _storage[i]);
            }
        }

        public void ElectLeader(ulong id)
        {
            Nodes[_slot[id]].Campaign();
            for (var i = 0; i < 100 && Nodes[_slot[id]].Role != RaftRole.Leader; i++) Pump();
            Pump();
        }

        /// <summary>One round: every node handles its Ready, then every queued message is delivered.</summary>
        public void Pump()
        {
            for (var i = 0; i < Nodes.Length; i++)
            {
                var node = Nodes[i];
                while (node.HasReady)
                {
                    var ready = node.GetReady();
                    var storage = _storage[i];
                    if (ready.Snapshot is { } snapshot) storage.ApplySnapshot(snapshot);
                    storage.Append(ready.Entries);
                    if (ready.HardState is { } hardState) storage.SetHardState(hardState);
                    foreach (var message in ready.Messages) _network.Enqueue(message);
                    if (i == 0) AppliedAtLeader += ready.CommittedEntries.Count;
                    node.Advance(ready);
                    Compact(node, storage);
                }
            }
            while (_network.TryDequeue(out var message)) Nodes[_slot[message.To]].Step(message);
        }

        private static void Compact(RaftNode node, MemoryRaftLog storage)
        {
            const ulong keep = 10_000;
            if (node.Applied < storage.FirstIndex + 4 * keep) return;
            var index = node.Applied - keep;
            storage.CreateSnapshot(index, node.MembershipAt(index), []);
            storage.Compact(index);
        }
    }
}
