namespace OrleansKv.Integration;

/// <summary>
/// src/Silo published with <c>dotnet publish -c Release</c>, as the Dockerfile's build stage
/// publishes it, into a temp folder: once per test run, deleted when the run ends.
/// </summary>
internal static class PublishedSilo
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>The file the image's entry point runs (<c>dotnet OrleansKv.Silo.dll</c>).</summary>
    public const string EntryAssembly = "OrleansKv.Silo.dll";

    /// <summary>The folder that holds the published silo (the image's /app).</summary>
    public static Task<string> FolderAsync() => Published.Value;

    private static async Task<string> PublishAsync()
    {
        var folder = Directory.CreateTempSubdirectory("orleanskv-publish-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var project = Path.Combine(RepositoryRoot.Path, "src", "Silo", "OrleansKv.Silo.csproj");
        // Tests built in Release have the silo's Release build already (the project reference), so
        // publishing only copies it: quick, and it cannot rewrite binaries other tests' silos run.
        string[] noBuild = SiloProcess.BuildConfiguration == "Release" ? ["--no-build"] : [];
        var outcome = await BoundedCommand.RunAsync("dotnet",
            ["publish", project, "-c", "Release", "-o", folder, "--nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. noBuild],
            RepositoryRoot.Path, Timeout, "MSBuild");
        Assert.True(outcome.Succeeded, $"dotnet publish of the silo failed: {outcome}");
        Assert.True(File.Exists(Path.Combine(folder, EntryAssembly)), $"the publish output has no {EntryAssembly}");
        return folder;
    }
}
