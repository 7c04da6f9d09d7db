using OrleansKv.Client;

namespace OrleansKv.Integration;

/// <summary>
/// A cluster of real Orleans silo processes on 127.0.0.1 with free ports and file storage in a temp
/// folder. Membership is the embedded file table in that folder, or Azure Table clustering when a
/// storage connection string is given (Azurite in tests). Disposing kills every process it started
/// and deletes the folder.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly string _silosFlag;
    private readonly string[] _extraArguments;
    private readonly IReadOnlyDictionary<string, string>? _environment;

    private TestCluster(List<SiloProcess> silos, string root, string? azureTableConnectionString, string[] extraArguments, IReadOnlyDictionary<string, string>? environment)
    {
        Silos = silos;
        Root = root;
        AzureTableConnectionString = azureTableConnectionString;
        _extraArguments = extraArguments;
        _environment = environment;
        _silosFlag = string.Join(',', silos.Select(s => s.Name));
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public IReadOnlyList<SiloProcess> Silos { get; }
    public string Root { get; }
    public HttpClient Http { get; }

    /// <summary>With Azure Table clustering, the storage account's connection string; null with the embedded table.</summary>
    public string? AzureTableConnectionString { get; }

    /// <summary>
    /// Starts the silos and waits until every one is ready. With <paramref name="azureTableConnectionString"/>
    /// the silos use Azure Table clustering on that account, and <see cref="ConnectAsync"/> finds them through it too.
    /// <paramref name="environment"/> is set for every silo process, as a container platform would set it.
    /// </summary>
    public static async Task<TestCluster> StartAsync(int silos = 3, int groups = 2, string? azureTableConnectionString = null,
        IReadOnlyDictionary<string, string>? environment = null, params string[] extraArguments)
    {
        var root = Path.Combine(Path.GetTempPath(), "orleanskv-it-" + Guid.NewGuid().ToString("N")[..8]);
        var ports = FreePorts.Take(silos * 3);
        var processes = Enumerable.Range(0, silos)
            .Select(i => new SiloProcess($"silo{i + 1}", ports[3 * i], ports[3 * i + 1], ports[3 * i + 2], Path.Combine(root, $"silo{i + 1}")))
            .ToList();
        var clusterId = "it-" + Path.GetFileName(root);
        string[] clustering = azureTableConnectionString is null
            ? ["--membership", Path.Combine(root, "cluster")]
            : ["--clustering", "azuretable", "--azure-table", azureTableConnectionString];
        string[] arguments =
        [
            "--groups", groups.ToString(), "--tick-ms", "50", "--Silo:EnableTestFaults=true", "--cluster", clusterId,
            .. clustering, .. extraArguments,
        ];
        var cluster = new TestCluster(processes, root, azureTableConnectionString, arguments, environment);
        foreach (var silo in processes) cluster.Start(silo);
        await cluster.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return cluster;
    }

    public SiloProcess Silo(string name) => Silos.Single(s => s.Name == name);

    /// <summary>The Orleans cluster id the silos were started with (unique per test cluster).</summary>
    public string ClusterId => "it-" + Path.GetFileName(Root);

    public void Start(SiloProcess silo) => silo.Start(_silosFlag, _extraArguments, _environment);

    /// <summary>Every running silo answers ready (all its groups know a leader).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        await Eventually.WaitAsync(async () =>
        {
            foreach (var silo in Silos.Where(s => s.IsRunning))
            {
                using var response = await Http.GetAsync($"{silo.HttpUrl}/healthz/ready");
                if (!response.IsSuccessStatusCode) return false;
            }
            return true;
        }, timeout, "every silo to be ready\n" + string.Join("\n", Silos.Select(s => $"--- {s.Name}\n{s.RecentLog}")));
    }

    /// <summary>
    /// A client library connection: through the static list of gateways with the embedded table, or
    /// through the membership table in Azure storage (as a client in Azure would) with Azure clustering.
    /// </summary>
    public Task<KvClient> ConnectAsync(TimeSpan? operationTimeout = null) =>
        KvClient.ConnectAsync(new KvClientOptions
        {
            ClusterId = ClusterId,
            Gateways = AzureTableConnectionString is null ? [.. Silos.Select(s => s.Gateway)] : [],
            AzureTableConnectionString = AzureTableConnectionString,
            OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(20),
        }, CancellationToken.None);

    /// <summary>The silo that leads <paramref name="group"/>, as the running silos agree on it.</summary>
    public async Task<SiloProcess> LeaderOfAsync(IKvClient client, uint group, TimeSpan timeout) =>
        await Eventually.WaitAsync(async () =>
        {
            var view = await client.GetClusterViewAsync();
            var leader = view.Groups.Single(g => g.Id == group).Leader;
            return leader.Length > 0 && Silo(leader).IsRunning ? Silo(leader) : null;
        }, timeout, $"a leader of group {group}");

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos) silo.Dispose();
        Http.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        await Task.CompletedTask;
    }
}
