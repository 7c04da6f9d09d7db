namespace OrleansKv.Deployment.Tests;

/// <summary>infra/ compiles and lints clean with the pinned Bicep CLI: no errors, no warnings.</summary>
public sealed class BicepCheckTests
{
    [Fact]
    public async Task Bicep_builds_infra_main_bicep_with_no_errors_or_warnings()
    {
        var template = await CompiledTemplate.LoadAsync();
        Assert.True(template.Build.ExitCode == 0, template.Build.Describe("build"));
        // Bicep prints its diagnostics (warnings included) on stderr; a clean build prints nothing.
        Assert.True(template.Build.Errors.Trim().Length == 0, template.Build.Describe("build"));
        // main.bicep deploys at subscription scope: it creates the resource group.
        Assert.Contains("subscriptionDeploymentTemplate.json", template.Root.GetProperty("$schema").GetString());
    }

    [Fact]
    public async Task Bicep_lint_finds_nothing_in_any_file_under_infra()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "infra"), "*.bicep", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == "main.bicep");
        foreach (var file in files)
        {
            var lint = await BicepCli.RunAsync("lint", file);
            var describe = lint.Describe("lint " + Path.GetRelativePath(RepositoryRoot.Path, file));
            Assert.True(lint.ExitCode == 0, describe);
            Assert.True(lint.Output.Trim().Length == 0 && lint.Errors.Trim().Length == 0, describe);
        }
    }
}
