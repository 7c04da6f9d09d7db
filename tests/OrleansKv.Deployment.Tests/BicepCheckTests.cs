using System.Text.RegularExpressions;

namespace OrleansKv.Deployment.Tests;

/// <summary>infra/ compiles and lints clean with the pinned Bicep CLI: no errors, no warnings.</summary>
public sealed partial class BicepCheckTests
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
    public async Task Bicep_lint_finds_nothing_in_main_bicep_or_the_modules_it_uses()
    {
        // lint reports the diagnostics of the modules a file uses too, and exits 0 on warnings:
        // only silence is clean.
        var lint = await BicepCli.RunAsync("lint", CompiledTemplate.MainBicep);
        Assert.True(lint.ExitCode == 0, lint.Describe("lint"));
        Assert.True(lint.Output.Trim().Length == 0 && lint.Errors.Trim().Length == 0, lint.Describe("lint"));
    }

    [Fact]
    public void Every_Bicep_file_under_infra_is_part_of_the_deployment_so_none_escapes_the_lint()
    {
        var infra = Path.Combine(RepositoryRoot.Path, "infra");
        var used = new HashSet<string>();
        var pending = new Stack<string>([CompiledTemplate.MainBicep]);
        while (pending.TryPop(out var file))
        {
            if (!used.Add(Path.GetFullPath(file))) continue;
            foreach (Match module in ModuleReference().Matches(File.ReadAllText(file)))
                pending.Push(Path.Combine(Path.GetDirectoryName(file)!, module.Groups[1].Value));
        }
        var files = Directory.GetFiles(infra, "*.bicep", SearchOption.AllDirectories).Select(Path.GetFullPath);
        Assert.All(files, file => Assert.Contains(file, used));
    }

    [GeneratedRegex(@"^\s*module\s+\w+\s+'([^']+\.bicep)'", RegexOptions.Multiline)]
    private static partial Regex ModuleReference();
}
