using System.Text.RegularExpressions;
using OrleansKv.Silo;
using OrleansKv.Silo.Configuration;

namespace OrleansKv.Deployment.Tests;

/// <summary>
/// The silo image's recipe. No container engine runs here, so the image itself is never built in
/// these tests: they check the Dockerfile against the code and the template instead.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string[] Lines =
        [.. File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [Fact]
    public void The_image_is_published_with_the_SDK_and_runs_on_the_ASP_NET_Core_runtime_as_the_unprivileged_app_user()
    {
        var stages = Lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[0]);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", stages[1]);
        Assert.Contains(Lines, l => l.StartsWith("RUN dotnet publish src/Silo/OrleansKv.Silo.csproj -c Release", StringComparison.Ordinal));

        var runtime = Lines.SkipWhile(l => l != stages[1]).ToList();
        Assert.Contains("USER $APP_UID", runtime);
        var assembly = typeof(SiloSettings).Assembly.GetName().Name + ".dll";
        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"{assembly}\"]", runtime[^1]);
    }

    [Fact]
    public void The_image_sets_the_runtime_knobs_a_silo_process_is_started_with()
    {
        foreach (var (name, value) in SiloProcessEnvironment.Recommended)
            Assert.Contains($"ENV {name}={value}", Lines);
    }

    [Fact]
    public async Task The_image_exposes_the_HTTP_port_and_every_silo_and_gateway_port_the_template_can_give_a_silo()
    {
        var exposed = Lines.Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))
            .SelectMany(l => l["EXPOSE ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(Range)
            .ToList();
        bool IsExposed(int port) => exposed.Any(r => r.From <= port && port <= r.To);

        var template = await CompiledTemplate.LoadAsync();
        var silo = await SiloApp.LoadAsync();
        Assert.True(IsExposed(silo.Ingress.GetProperty("targetPort").GetInt32()));
        var maxSilos = template.Root.GetProperty("parameters").GetProperty("siloCount").GetProperty("maxValue").GetInt32();
        var firstSiloPort = FirstPort(silo.App.Module!.ParameterValue("siloPort"));
        var firstGatewayPort = FirstPort(silo.App.Module!.ParameterValue("gatewayPort"));
        for (var i = 0; i < maxSilos; i++)
        {
            Assert.True(IsExposed(firstSiloPort + i), $"silo port {firstSiloPort + i} is not exposed");
            Assert.True(IsExposed(firstGatewayPort + i), $"gateway port {firstGatewayPort + i} is not exposed");
        }
    }

    private static (int From, int To) Range(string ports)
    {
        var parts = ports.Split('/')[0].Split('-');
        return (int.Parse(parts[0]), int.Parse(parts[^1]));
    }

    // "[add(11111, copyIndex())]": the first silo's port.
    private static int FirstPort(string expression)
    {
        var match = Regex.Match(expression, @"^\[add\((\d+), copyIndex\(\)\)\]$");
        Assert.True(match.Success, $"unexpected port expression {expression}");
        return int.Parse(match.Groups[1].Value);
    }
}
