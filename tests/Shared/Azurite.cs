using System.Diagnostics;
using Azure.Data.Tables;

namespace OrleansKv.Testing;

/// <summary>
/// Azurite, the Azure Storage emulator, as a child process on three free 127.0.0.1 ports (blob,
/// queue, table), keeping everything in memory. Disposing stops it by its process id.
/// </summary>
internal sealed class Azurite : IAsyncDisposable
{
    private const string AccountName = "devstoreaccount1";

    // The emulator's published development account key (the same in every Azurite): not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly OutputTail _output;
    private readonly string _workDirectory;

    private Azurite(Process process, OutputTail output, string workDirectory, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        _workDirectory = workDirectory;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public int ProcessId => _process.Id;

    /// <summary>The table service's URL, account name included (Azurite's path-style addressing).</summary>
    public string TableEndpoint => $"http://127.0.0.1:{TablePort}/{AccountName}";

    /// <summary>A storage connection string for this emulator, as the silos and the client take it.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint={TableEndpoint};";

    /// <summary>The last lines Azurite printed (for failure messages).</summary>
    public string RecentLog => _output.Recent();

    /// <summary>Installs Azurite if needed, starts it and returns once its table service answers.</summary>
    public static async Task<Azurite> StartAsync(TimeSpan timeout)
    {
        var executable = await AzuriteInstaller.EnsureInstalledAsync(TimeSpan.FromMinutes(5));
        var ports = FreePorts.Take(3);
        // Azurite writes nothing with in-memory persistence, but give it a folder of its own anyway.
        var workDirectory = Directory.CreateTempSubdirectory("orleanskv-azurite-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(),
                     "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(),
                     // The Azure SDK may send a newer API version than this Azurite knows; it is compatible.
                     "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
                 })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + executable);
        var output = new OutputTail();
        output.Attach(process);
        var azurite = new Azurite(process, output, workDirectory, ports[0], ports[1], ports[2]);
        try
        {
            await azurite.WaitUntilTableServiceAnswersAsync(timeout);
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilTableServiceAnswersAsync(TimeSpan timeout)
    {
        // No retries inside the SDK: the poll below is the retry, and it must see each refusal.
        var options = new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
        var tables = new TableServiceClient(ConnectionString, options);
        await Eventually.WaitAsync(async () =>
        {
            if (_process.HasExited) return true; // reported below, without waiting out the deadline
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1).AsPages()) break;
            return true;
        }, timeout, $"Azurite's table service at {TableEndpoint} to answer\n{RecentLog}");
        if (_process.HasExited)
            throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before its table service answered:\n{RecentLog}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cancel.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        try { Directory.Delete(_workDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
