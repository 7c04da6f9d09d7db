using System.Globalization;

namespace OrleansKv.Bench;

/// <summary>The `client` benchmark's command line. bench/compare calls it with these exact flags; keep them stable.</summary>
internal sealed record ClientBenchmarkOptions
{
    public const string Usage =
        "OrleansKv.Bench client [--system orleanskv|etcd] [--gateways HOST:PORT,...] [--endpoints http://HOST:PORT,...]\n"
        + "                       [--callers 1,64] [--seconds 10] [--reps 1] [--keys 100000] [--value-bytes 100]\n"
        + "                       [--ops put,get,stale_get,cas] [--no-preload] [--server-pids PID,...] [--json OUT.json]";

    // A wider key space would make the per-key version table (8 bytes a key) the benchmark's main cost.
    private const int MaxKeys = 100_000_000;
    private const int MaxCallers = 100_000;
    private const int MaxReps = 100;

    /// <summary>"orleanskv" (its client library on <see cref="Gateways"/>) or "etcd" (its gRPC API on <see cref="Endpoints"/>).</summary>
    public string System { get; private init; } = "orleanskv";

    /// <summary>OrleansKv: the Orleans gateway endpoints the client connects to.</summary>
    public IReadOnlyList<string> Gateways { get; private init; } = ["127.0.0.1:30001", "127.0.0.1:30002", "127.0.0.1:30003"];

    /// <summary>etcd: the members' client URLs; the benchmark asks them which one leads and sends every call there.</summary>
    public IReadOnlyList<string> Endpoints { get; private init; } = ["http://127.0.0.1:2379"];

    /// <summary>Processes whose CPU time is read around each measured window (the servers), if any.</summary>
    public IReadOnlyList<int> ServerPids { get; private init; } = [];

    /// <summary>Runs per operation and caller count; the report gives the median of each figure.</summary>
    public int Reps { get; private init; } = 1;

    public IReadOnlyList<int> Callers { get; private init; } = [1, 64];
    public double Seconds { get; private init; } = 10;
    public int Keys { get; private init; } = 100_000;
    public int ValueBytes { get; private init; } = 100;
    public IReadOnlyList<ClientOperation> Operations { get; private init; } = [ClientOperation.Put, ClientOperation.Get, ClientOperation.StaleGet, ClientOperation.Cas];
    public bool Preload { get; private init; } = true;
    public string? JsonPath { get; private init; }

    /// <summary>Parses the arguments after "client"; null with <paramref name="error"/> set if they are bad.</summary>
    public static ClientBenchmarkOptions? TryParse(ReadOnlySpan<string> args, out string error)
    {
        var options = new ClientBenchmarkOptions();
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--no-preload")
            {
                options = options with { Preload = false };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                error = name.StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value" : $"unexpected argument '{name}'";
                return null;
            }
            var value = args[++i];
            switch (name)
            {
                case "--system":
                    if (value is not ("orleanskv" or "etcd"))
                    {
                        error = $"--system takes orleanskv or etcd, not '{value}'";
                        return null;
                    }
                    options = options with { System = value };
                    break;
                case "--endpoints":
                    if (!TryParseEndpoints(value, out var endpoints, out error)) return null;
                    options = options with { Endpoints = endpoints };
                    break;
                case "--server-pids":
                    if (!TryParseList(value, "--server-pids", "process ids", "process id", distinct: true,
                            (string part, out int pid) => TryParseInt(part, 1, int.MaxValue, out pid), out var pids, out error)) return null;
                    options = options with { ServerPids = pids };
                    break;
                case "--reps":
                    if (!TryParseInt(value, 1, MaxReps, out var reps))
                    {
                        error = $"--reps must be a whole number from 1 to {MaxReps}, not '{value}'";
                        return null;
                    }
                    options = options with { Reps = reps };
                    break;
                case "--gateways":
                    if (!TryParseGateways(value, out var gateways, out error)) return null;
                    options = options with { Gateways = gateways };
                    break;
                case "--callers":
                    if (!TryParseCallers(value, out var callers, out error)) return null;
                    options = options with { Callers = callers };
                    break;
                case "--seconds":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || seconds > 3600)
                    {
                        error = $"--seconds must be a number above 0 and at most 3600, not '{value}'";
                        return null;
                    }
                    options = options with { Seconds = seconds };
                    break;
                case "--keys":
                    if (!TryParseInt(value, 1, MaxKeys, out var keys))
                    {
                        error = $"--keys must be a whole number from 1 to {MaxKeys}, not '{value}'";
                        return null;
                    }
                    options = options with { Keys = keys };
                    break;
                case "--value-bytes":
                    if (!TryParseInt(value, 1, 64 * 1024 * 1024, out var valueBytes))
                    {
                        error = $"--value-bytes must be a whole number from 1 to 67108864, not '{value}'";
                        return null;
                    }
                    options = options with { ValueBytes = valueBytes };
                    break;
                case "--ops":
                    if (!TryParseOperations(value, out var operations, out error)) return null;
                    options = options with { Operations = operations };
                    break;
                case "--json":
                    options = options with { JsonPath = value };
                    break;
                default:
                    error = $"unknown option '{name}'";
                    return null;
            }
        }
        // CAS gives each caller its own slice of the key space (key % callers == caller), so every caller needs a key.
        foreach (var callers in options.Callers)
        {
            if (callers > options.Keys)
            {
                error = $"--keys ({options.Keys}) must be at least the largest --callers ({callers})";
                return null;
            }
        }
        return options;
    }

    private static bool TryParseGateways(string text, out IReadOnlyList<string> gateways, out string error) =>
        TryParseList(text, "--gateways", "host:port pairs", "host:port", distinct: false, IsHostPort, out gateways, out error);

    // etcd client URLs, written out as http://host:port (the benchmark's etcd listens without TLS); a bare
    // host:port means http, and a URL without a port gets 80, not the default port dotnet-etcd would add.
    private static bool TryParseEndpoints(string text, out IReadOnlyList<string> endpoints, out string error) =>
        TryParseList(text, "--endpoints", "URLs like http://127.0.0.1:2379", "URL", distinct: true, IsEndpoint, out endpoints, out error);

    private static bool IsEndpoint(string part, out string endpoint)
    {
        endpoint = part;
        var text = part.Contains("://", StringComparison.Ordinal) ? part : "http://" + part;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "http" || uri.AbsolutePath != "/") return false;
        endpoint = $"http://{uri.Host}:{uri.Port}";
        return true;
    }

    private static bool TryParseCallers(string text, out IReadOnlyList<int> callers, out string error) =>
        TryParseList(text, "--callers", $"whole numbers from 1 to {MaxCallers}", "count", distinct: false,
            (string part, out int count) => TryParseInt(part, 1, MaxCallers, out count), out callers, out error);

    private static bool TryParseOperations(string text, out IReadOnlyList<ClientOperation> operations, out string error) =>
        TryParseList<ClientOperation>(text, "--ops", "put, get, stale_get, cas", "operation", distinct: true, ClientOperationNames.TryParse, out operations, out error);

    private static bool IsHostPort(string part, out string seed)
    {
        seed = part;
        var colon = part.LastIndexOf(':');
        return colon > 0 && TryParseInt(part[(colon + 1)..], 1, 65535, out _);
    }

    private delegate bool ItemParser<T>(string part, out T item);

    // A comma-separated, non-empty list for `option` whose every item must parse.
    private static bool TryParseList<T>(string text, string option, string items, string oneItem, bool distinct, ItemParser<T> parse,
        out IReadOnlyList<T> parsed, out string error)
    {
        var list = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!parse(part, out var item))
            {
                parsed = [];
                error = $"{option} takes {items} separated by commas, not '{part}'";
                return false;
            }
            if (!distinct || !list.Contains(item)) list.Add(item);
        }
        parsed = list;
        error = list.Count == 0 ? $"{option} needs at least one {oneItem}" : "";
        return list.Count > 0;
    }

    private static bool TryParseInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
