using System.Runtime.CompilerServices;
using System.Text;
using OrleansKv.Raft;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// Interaction tests written as scripts (Scripts/*.txt): each command is followed by "----" and
/// the transcript it must produce (messages delivered or dropped, then nodes whose role, term,
/// leader or commit changed), ended by a blank line. Set RAFT_SCRIPTS_REWRITE=1 to rewrite the
/// expected transcripts from the actual ones (then review the diff).
/// </summary>
public class TranscriptTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Scripts"), "*.txt").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void The_script_directory_holds_the_scenarios()
    {
        Assert.True(Scripts().Count >= 4);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_produces_its_golden_transcript(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Scripts", name);
        var blocks = ScriptFile.Parse(File.ReadAllLines(path));
        var runner = new ScriptRunner();
        var failures = new StringBuilder();
        foreach (var block in blocks)
        {
            block.Actual = runner.Run(block.Command);
            if (!block.Actual.SequenceEqual(block.Expected) && failures.Length == 0)
            {
                failures.AppendLine($"{name}:{block.Line}: {block.Command}");
                failures.AppendLine("expected:");
                foreach (var line in block.Expected) failures.AppendLine("  " + line);
                failures.AppendLine("actual:");
                foreach (var line in block.Actual) failures.AppendLine("  " + line);
            }
        }
        if (Environment.GetEnvironmentVariable("RAFT_SCRIPTS_REWRITE") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "Scripts", name), ScriptFile.Render(blocks));
            return;
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    private static string SourceDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}

internal sealed class ScriptBlock
{
    public required int Line { get; init; }
    public required List<string> Comments { get; init; }
    public required string Command { get; init; }
    public required List<string> Expected { get; init; }
    public List<string> Actual { get; set; } = [];
}

internal static class ScriptFile
{
    public static List<ScriptBlock> Parse(string[] lines)
    {
        var blocks = new List<ScriptBlock>();
        var comments = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0) continue;
            if (line.StartsWith('#')) { comments.Add(line); continue; }
            if (i + 1 >= lines.Length || lines[i + 1] != "----")
                throw new FormatException($"line {i + 1}: command '{line}' must be followed by ----");
            var expected = new List<string>();
            var j = i + 2;
            for (; j < lines.Length && lines[j].Trim().Length > 0; j++) expected.Add(lines[j]);
            blocks.Add(new ScriptBlock { Line = i + 1, Comments = comments, Command = line, Expected = expected });
            comments = [];
            i = j;
        }
        return blocks;
    }

    public static string Render(List<ScriptBlock> blocks)
    {
        var text = new StringBuilder();
        foreach (var block in blocks)
        {
            foreach (var comment in block.Comments) text.Append(comment).Append('\n');
            text.Append(block.Command).Append('\n').Append("----\n");
            foreach (var line in block.Actual) text.Append(line).Append('\n');
            text.Append('\n');
        }
        return text.ToString();
    }
}

/// <summary>Runs script commands against a <see cref="Network"/> and describes what happened.</summary>
internal sealed class ScriptRunner
{
    private Network? _net;
    private readonly List<string> _out = [];

    private Network Net => _net ?? throw new InvalidOperationException("the script must start with 'cluster'");

    public List<string> Run(string command)
    {
        _out.Clear();
        var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var before = _net is null ? [] : Snapshot();
        switch (args[0])
        {
            case "cluster":
                Cluster(args[1..]);
                _out.Add("ok");
                return [.. _out];
            case "campaign":
                Net.Nodes[Id(args[1])].Campaign();
                Net.Settle();
                break;
            case "propose":
                _out.Add(FormatResult(Net.Nodes[Id(args[1])].Propose(Encoding.UTF8.GetBytes(args[2]))));
                Net.Settle();
                break;
            case "transfer":
                _out.Add(FormatResult(Net.Nodes[Id(args[1])].TransferLeadership(Id(args[2]))));
                Net.Settle();
                break;
            case "read":
                _out.Add(FormatResult(Net.Nodes[Id(args[1])].ReadIndex(Encoding.UTF8.GetBytes(args[2]))));
                Net.Settle();
                break;
            case "tick":
                var times = args.Length > 2 ? int.Parse(args[2]) : 1;
                if (args[1] == "all") Net.TickAll(times);
                else Net.Tick(Id(args[1]), times);
                break;
            case "settle":
                Net.Settle();
                break;
            case "cut":
                Net.Cut(Id(args[1]), Id(args[2]));
                break;
            case "isolate":
                Net.Isolate(Id(args[1]));
                break;
            case "heal":
                Net.Heal();
                break;
            case "status":
                foreach (var node in Net.Nodes.Values) _out.Add(Status(node));
                return [.. _out];
            case "log":
                var n = Net.Nodes[Id(args[1])];
                _out.Add(string.Join(" ", n.GetEntries(n.FirstIndex, n.LastIndex + 1).Select(FormatEntry)));
                return [.. _out];
            default:
                throw new FormatException($"unknown command '{args[0]}'");
        }
        foreach (var (id, node) in Net.Nodes)
        {
            if (before.TryGetValue(id, out var was) && was == State(node)) continue;
            _out.Add($"~ {Status(node)}");
        }
        foreach (var (id, reads) in Net.ReadStates)
            foreach (var read in reads) _out.Add($"{id}: read-state {Encoding.UTF8.GetString(read.Context)} index={read.Index}");
        foreach (var (id, reads) in Net.DroppedReads)
            foreach (var read in reads) _out.Add($"{id}: read-dropped {Encoding.UTF8.GetString(read)}");
        foreach (var list in Net.ReadStates.Values) list.Clear();
        foreach (var list in Net.DroppedReads.Values) list.Clear();
        if (_out.Count == 0) _out.Add("ok");
        return [.. _out];
    }

    private void Cluster(string[] args)
    {
        var ids = args.TakeWhile(a => !a.Contains('=')).Select(Id).ToArray();
        var settings = args.SkipWhile(a => !a.Contains('=')).Select(a => a.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        int Int(string key, int fallback) => settings.TryGetValue(key, out var v) ? int.Parse(v) : fallback;
        bool Bool(string key, bool fallback) => settings.TryGetValue(key, out var v) ? bool.Parse(v) : fallback;
        _net = Network.Create(ids, electionTicks: Int("election", 10), heartbeatTicks: Int("heartbeat", 1),
            preVote: Bool("prevote", true), checkQuorum: Bool("checkquorum", true));
        _net.Trace = (what, m) => _out.Add(what == "deliver" ? Format(m) : $"{what}: {Format(m)}");
    }

    private static ulong Id(string s) => ulong.Parse(s);

    private static (RaftRole, ulong, ulong, ulong) State(RaftNode n) => (n.Role, n.Term, n.Leader, n.Commit);

    private Dictionary<ulong, (RaftRole, ulong, ulong, ulong)> Snapshot() => Net.Nodes.ToDictionary(kv => kv.Key, kv => State(kv.Value));

    private static string Status(RaftNode n) =>
        $"{n.Id}: {n.Role} term={n.Term} vote={n.Vote} leader={n.Leader} commit={n.Commit} last={n.LastIndex}";

    private static string FormatResult(ProposalResult r) => r.Status switch
    {
        ProposalStatus.Appended => $"appended {r.FirstIndex}..{r.LastIndex} term={r.Term}",
        ProposalStatus.Forwarded => $"forwarded to {r.Leader}",
        ProposalStatus.Accepted => $"accepted by {r.Leader} term={r.Term}",
        _ => $"dropped {r.Reason}",
    };

    private static string FormatEntry(Entry e) => e.Type switch
    {
        EntryType.Membership => $"{e.Term}/{e.Index}:conf({Membership.Decode(e.Data)})",
        _ when e.Data.Length == 0 => $"{e.Term}/{e.Index}:noop",
        _ => $"{e.Term}/{e.Index}:{Encoding.UTF8.GetString(e.Data)}",
    };

    private static string Format(Message m)
    {
        var text = new StringBuilder($"{m.From}->{m.To} {m.Type} term={m.Term}");
        var ctx = m.Context is { } c ? $" ctx={Encoding.UTF8.GetString(c)}" : "";
        switch (m.Type)
        {
            case MessageType.RequestVote or MessageType.RequestPreVote:
                text.Append($" last={m.LogTerm}/{m.Index}{ctx}");
                break;
            case MessageType.RequestVoteResponse or MessageType.RequestPreVoteResponse:
                text.Append(m.Reject ? " rejected" : " granted");
                break;
            case MessageType.AppendEntries:
                text.Append($" prev={m.LogTerm}/{m.Index} commit={m.Commit}");
                if (m.Entries.Length > 0) text.Append($" entries=[{string.Join(" ", m.Entries.Select(FormatEntry))}]");
                break;
            case MessageType.AppendEntriesResponse:
                text.Append(m.Reject ? $" rejected index={m.Index} hint={m.LogTerm}/{m.RejectHint}" : $" index={m.Index}");
                break;
            case MessageType.Heartbeat:
                text.Append($" commit={m.Commit}{ctx}");
                break;
            case MessageType.HeartbeatResponse:
                text.Append(ctx);
                break;
            case MessageType.InstallSnapshot:
                text.Append($" snapshot={m.Snapshot!.Metadata.Term}/{m.Snapshot.Metadata.Index}");
                break;
            case MessageType.Propose:
                text.Append($" entries={m.Entries.Length}");
                break;
            case MessageType.ReadIndex:
                text.Append(ctx);
                break;
            case MessageType.ReadIndexResponse:
                text.Append(m.Reject ? $" rejected{ctx}" : $" index={m.Index}{ctx}");
                break;
            case MessageType.TransferLeader:
                text.Append($" target={m.Index}");
                break;
        }
        return text.ToString();
    }
}
