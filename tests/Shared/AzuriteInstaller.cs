using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace OrleansKv.Testing;

/// <summary>
/// Where the tests get Azurite (the Azure Storage emulator): an npm install into the repository's
/// git-ignored <c>.tools/azurite</c> folder. <c>.ci/run</c> installs it there up front; a plain
/// <c>dotnet test</c> on a fresh clone installs it on first use (it needs Node.js and npm).
/// </summary>
internal static class AzuriteInstaller
{
    /// <summary>The Azurite release the tests run (the same one <c>.ci/run</c> installs).</summary>
    public const string Version = "3.37.0";

    private static readonly SemaphoreSlim InstallingHere = new(1, 1);

    /// <summary>The npm prefix folder Azurite is installed into.</summary>
    public static string Folder => Path.Combine(RepositoryRoot.Path, ".tools", "azurite");

    /// <summary>The <c>azurite</c> launcher npm links (a Node script with a shebang).</summary>
    public static string Executable => Path.Combine(Folder, "node_modules", ".bin", "azurite");

    /// <summary>Installs Azurite unless this version is already there; returns the launcher's path.</summary>
    public static async Task<string> EnsureInstalledAsync(TimeSpan timeout)
    {
        if (IsInstalled()) return Executable;
        await InstallingHere.WaitAsync();
        try
        {
            Directory.CreateDirectory(Folder);
            // Another test process (or .ci/run) may be installing into the same folder right now.
            using var installLock = await Eventually.WaitAsync(
                () => Task.FromResult<FileStream?>(new FileStream(Path.Combine(Folder, "install.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)),
                timeout, "the lock on " + Folder);
            if (IsInstalled()) return Executable;
            await RunNpmInstallAsync(timeout);
            return IsInstalled() ? Executable : throw new InvalidOperationException($"npm installed azurite@{Version} but {Executable} is missing");
        }
        finally
        {
            InstallingHere.Release();
        }
    }

    private static bool IsInstalled()
    {
        var manifest = Path.Combine(Folder, "node_modules", "azurite", "package.json");
        if (!File.Exists(Executable) || !File.Exists(manifest)) return false;
        // A folder left by an older pin is reinstalled rather than silently used.
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        return json.RootElement.TryGetProperty("version", out var version) && version.GetString() == Version;
    }

    private static async Task RunNpmInstallAsync(TimeSpan timeout)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "install", "--prefix", Folder, $"azurite@{Version}", "--no-audit", "--no-fund" }) start.ArgumentList.Add(arg);
        var output = new OutputTail();
        Process npm;
        try
        {
            npm = Process.Start(start) ?? throw new InvalidOperationException("could not start npm");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"the Azure Table tests need Azurite, installed with npm, but npm could not be started ({e.Message}); install Node.js and npm", e);
        }
        using (npm)
        {
            output.Attach(npm);
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await npm.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                npm.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm install azurite@{Version} took longer than {timeout.TotalSeconds:0} s:\n{output.Recent()}");
            }
            if (npm.ExitCode != 0)
                throw new InvalidOperationException($"npm install azurite@{Version} failed with exit code {npm.ExitCode}:\n{output.Recent()}");
        }
    }
}
