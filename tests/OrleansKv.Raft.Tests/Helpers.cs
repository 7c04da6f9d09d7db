using System.Text;
using OrleansKv.Raft;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// One node driven by hand, outside any network: tests step messages into it and inspect exactly
/// what it sends back. Every Ready is persisted to its MemoryRaftLog before advancing.
/// </summary>
internal sealed class Solo
{
    public RaftNode Node { get; private set; }
    public MemoryRaftLog Storage { get; }
    public List<Entry> Applied { get; } = [];
    public List<ReadState> ReadStates { get; } = [];
    public List<byte[]> DroppedReads { get; } = [];
    public List<Ready> Readies { get; } = [];
    private readonly RaftOptions _options;

    public Solo(RaftOptions options, MemoryRaftLog? storage = null)
    {
        _options = options;
        Storage = storage ?? new MemoryRaftLog();
        Node = new RaftNode(options, Storage);
    }

    /// <summary>A node <paramref name="id"/> among <paramref name="voters"/>, optionally with a persisted log and hard state.</summary>
    public static Solo Create(ulong id, ulong[] voters, bool preVote = true, bool checkQuorum = true,
        IEnumerable<Entry>? log = null, HardState? hardState = null, int electionTicks = 10, int maxInflight = 256)
    {
        var storage = new MemoryRaftLog();
        if (log is not null) storage.Append(log.ToList());
        if (hardState is { } hs) storage.SetHardState(hs);
        var options = Network.Options(id, Membership.OfVoters(voters), electionTicks: electionTicks, preVote: preVote,
            checkQuorum: checkQuorum, maxInflight: maxInflight);
        return new Solo(options, storage);
    }

    public Solo Restart()
    {
        Node = new RaftNode(_options, Storage);
        return this;
    }

    /// <summary>Runs the Ready loop until quiet and returns every message the node wanted to send.</summary>
    public List<Message> Drain()
    {
        var messages = new List<Message>();
        while (Node.HasReady)
        {
            var ready = Node.GetReady();
            Readies.Add(ready);
            if (ready.Snapshot is { } snapshot) Storage.ApplySnapshot(snapshot);
            Storage.Append(ready.Entries);
            if (ready.HardState is { } hs) Storage.SetHardState(hs);
            Applied.AddRange(ready.CommittedEntries);
            ReadStates.AddRange(ready.ReadStates);
            DroppedReads.AddRange(ready.DroppedReads);
            messages.AddRange(ready.Messages);
            Node.Advance(ready);
        }
        return messages;
    }

    /// <summary>Steps <paramref name="m"/> and returns what the node sends in reply.</summary>
    public List<Message> Step(Message m)
    {
        Node.Step(m);
        return Drain();
    }
}

internal static class Msg
{
    public static Entry E(ulong index, ulong term, string data = "") => new(index, term, EntryType.Normal, Encoding.UTF8.GetBytes(data));

    /// <summary>Entries 1..terms.Length, entry i in term terms[i-1].</summary>
    public static Entry[] Log(params ulong[] terms) => terms.Select((t, i) => E((ulong)i + 1, t, $"e{i + 1}")).ToArray();

    public static Message Append(ulong from, ulong to, ulong term, ulong prevIndex, ulong prevTerm, Entry[]? entries = null, ulong commit = 0) => new()
    {
        Type = MessageType.AppendEntries, From = from, To = to, Term = term, Index = prevIndex, LogTerm = prevTerm,
        Entries = entries ?? [], Commit = commit,
    };

    public static Message Vote(ulong from, ulong to, ulong term, ulong lastIndex, ulong lastTerm) => new()
    {
        Type = MessageType.RequestVote, From = from, To = to, Term = term, Index = lastIndex, LogTerm = lastTerm,
    };

    public static Message PreVote(ulong from, ulong to, ulong term, ulong lastIndex, ulong lastTerm) => new()
    {
        Type = MessageType.RequestPreVote, From = from, To = to, Term = term, Index = lastIndex, LogTerm = lastTerm,
    };

    public static Message Heartbeat(ulong from, ulong to, ulong term, ulong commit = 0) => new()
    {
        Type = MessageType.Heartbeat, From = from, To = to, Term = term, Commit = commit,
    };

    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);
    public static string S(byte[] b) => Encoding.UTF8.GetString(b);
}
