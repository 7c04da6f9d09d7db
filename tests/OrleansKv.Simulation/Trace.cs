using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>
/// What happened in a run: a running hash of every event (two runs of a seed must end with the same
/// hash) and, with --verbose, one printed line per event. Detail strings are built only when verbose.
/// </summary>
public sealed class Trace
{
    private readonly TextWriter? _out;
    private readonly Func<long> _clock;

    public Trace(Func<long> clock, TextWriter? verboseOut)
    {
        _clock = clock;
        _out = verboseOut;
    }

    public bool Verbose => _out is not null;

    public ulong Hash { get; private set; } = Fnv.Offset;

    public long Events { get; private set; }

    /// <summary>Mixes an event into the hash; <paramref name="detail"/> is printed when verbose.</summary>
    public void Event(TraceKind kind, ulong node, ulong a = 0, ulong b = 0, string? detail = null)
    {
        Events++;
        var hash = Fnv.Add(Hash, (ulong)_clock());
        hash = Fnv.Add(hash, (byte)kind);
        hash = Fnv.Add(hash, node);
        hash = Fnv.Add(hash, a);
        Hash = Fnv.Add(hash, b);
        if (_out is not null) _out.WriteLine($"{_clock(),8} {kind,-13} n{node} {detail}");
    }

    public void Message(TraceKind kind, Message m, string? extra = null)
    {
        Events++;
        var hash = Fnv.Add(Hash, (ulong)_clock());
        hash = Fnv.Add(hash, (byte)kind);
        hash = Fnv.Add(hash, (byte)m.Type);
        hash = Fnv.Add(hash, m.From);
        hash = Fnv.Add(hash, m.To);
        hash = Fnv.Add(hash, m.Term);
        hash = Fnv.Add(hash, m.Index);
        hash = Fnv.Add(hash, m.LogTerm);
        hash = Fnv.Add(hash, m.Commit);
        hash = Fnv.Add(hash, (ulong)m.Entries.Length);
        Hash = Fnv.Add(hash, m.Reject ? (byte)1 : (byte)0);
        if (_out is not null) _out.WriteLine($"{_clock(),8} {kind,-13} {m}{(extra is null ? "" : " " + extra)}");
    }

    /// <summary>Prints a line when verbose without touching the hash (summaries, diagnostics).</summary>
    public void Note(string text)
    {
        _out?.WriteLine($"{_clock(),8} {text}");
    }
}

public enum TraceKind : byte
{
    Tick,
    Send,
    Deliver,
    Drop,
    Duplicate,
    ReadyBegin,
    Persisted,
    Apply,
    Crash,
    Restart,
    Decommission,
    Fault,
    Heal,
    ClientSend,
    ClientReply,
    ClientDone,
    ClientGiveUp,
    Membership,
    Transfer,
    Snapshot,
    Leader,
}
