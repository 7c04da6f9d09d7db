using System.Text.RegularExpressions;

namespace OrleansKv.Integration;

/// <summary>
/// The README's "Use it from .NET" program is what a .NET user copies first: it must build as
/// shown, with the project file shown, and do what the README says against a real cluster.
/// </summary>
public sealed class ReadmeProgramTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    // Variables (any case) that `dotnet test` sets for its own MSBuild; the nested build finds its SDK afresh.
    private static readonly string[] ParentBuildVariables = ["MSBuild"];

    [Fact]
    public async Task The_console_program_in_the_README_builds_and_talks_to_a_running_cluster()
    {
        var root = RepositoryRoot.Path;
        var readme = ReadmeProgram.Read(Path.Combine(root, "README.md"));
        var folder = Path.Combine(Path.GetTempPath(), "orleanskv-readme-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "Program.cs"), readme.Code);
            File.WriteAllText(Path.Combine(folder, "ReadmeProgram.csproj"),
                readme.ProjectReferencing(Path.Combine(root, "src", "Client", "OrleansKv.Client.csproj")));

            // No build server or node reuse: nothing may outlive the command.
            var build = await BoundedCommand.RunAsync("dotnet",
                ["build", "-c", "Release", "--nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false"], folder, BuildTimeout, ParentBuildVariables);
            Assert.True(build.Succeeded, $"the README program did not build: {build}");

            // The program connects as the README shows, to cluster id "orleanskv" (the client's default and the local cluster's).
            await using var cluster = await TestCluster.StartAsync(extraArguments: ["--cluster", "orleanskv"]);
            var program = Path.Combine(folder, "bin", "Release", "net10.0", "ReadmeProgram.dll");
            var run = await BoundedCommand.RunAsync("dotnet", [program, .. cluster.Silos.Select(s => s.Gateway)], folder, RunTimeout);
            Assert.True(run.Succeeded, $"the README program failed: {run}");

            // It read its write, its compare-and-set moved the version on, the stale one was refused
            // with that new version, and the delete found the key.
            var put = Regex.Match(run.Output, @"^greeting = hello \(version (\d+)\)$", RegexOptions.Multiline);
            var swapped = Regex.Match(run.Output, @"^compare-and-set from version (\d+): now version (\d+)$", RegexOptions.Multiline);
            var refused = Regex.Match(run.Output, @"^compare-and-set from version (\d+) refused: greeting is at version (\d+)$", RegexOptions.Multiline);
            Assert.True(put.Success && swapped.Success && refused.Success, $"unexpected output:\n{run.Output}");
            Assert.Equal(put.Groups[1].Value, swapped.Groups[1].Value);
            Assert.True(ulong.Parse(swapped.Groups[2].Value) > ulong.Parse(put.Groups[1].Value), run.Output);
            Assert.Equal(swapped.Groups[2].Value, refused.Groups[2].Value);
            Assert.EndsWith("deleted: True", run.Output.TrimEnd());

            // The program cleaned up after itself: the cluster no longer has the key.
            using var read = await cluster.Http.GetAsync($"{cluster.Silos[0].HttpUrl}/v1/kv/greeting");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, read.StatusCode);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
