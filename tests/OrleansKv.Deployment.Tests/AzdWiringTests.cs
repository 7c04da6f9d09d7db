using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansKv.Deployment.Tests;

/// <summary>azure.yaml, infra/main.parameters.json and the template agree with each other.</summary>
public sealed class AzdWiringTests
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([RepositoryRoot.Path, .. path]));

    [Fact]
    public async Task Every_parameter_azd_passes_is_a_parameter_of_the_template()
    {
        var template = await CompiledTemplate.LoadAsync();
        using var file = JsonDocument.Parse(Read("infra", "main.parameters.json"));
        var declared = template.Root.GetProperty("parameters");
        foreach (var parameter in file.RootElement.GetProperty("parameters").EnumerateObject())
            Assert.True(declared.TryGetProperty(parameter.Name, out _), $"main.parameters.json sets {parameter.Name}, which main.bicep does not declare");
    }

    [Fact]
    public async Task The_service_azd_deploys_is_the_one_the_first_silo_app_is_tagged_with_and_its_image_comes_back_to_every_silo()
    {
        var yaml = Read("azure.yaml");
        var service = Regex.Match(yaml, @"^services:\s*\n(?:\s*#.*\n)*\s+([a-z0-9-]+):", RegexOptions.Multiline);
        Assert.True(service.Success, "azure.yaml declares no service");
        var name = service.Groups[1].Value;
        Assert.Contains("host: containerapp", yaml);

        var silo = await SiloApp.LoadAsync();
        Assert.Contains($"'{name}'", silo.App.Module!.ParameterValue("azdServiceName"));
        Assert.Contains("'azd-service-name'", silo.App.Json.GetProperty("tags").GetString());

        // azd records the image it pushed as SERVICE_<NAME>_IMAGE_NAME; provisioning again hands it to every silo.
        using var parameters = JsonDocument.Parse(Read("infra", "main.parameters.json"));
        var image = parameters.RootElement.GetProperty("parameters").GetProperty("siloImage").GetProperty("value").GetString();
        Assert.StartsWith($"${{SERVICE_{name.ToUpperInvariant()}_IMAGE_NAME", image);
    }

    [Fact]
    public void The_API_key_azd_passes_is_the_one_its_preprovision_hook_generates_once()
    {
        using var parameters = JsonDocument.Parse(Read("infra", "main.parameters.json"));
        var apiKey = parameters.RootElement.GetProperty("parameters").GetProperty("apiKey").GetProperty("value").GetString();
        Assert.Equal("${ORLEANSKV_API_KEY}", apiKey);

        var yaml = Read("azure.yaml");
        Assert.Contains("preprovision:", yaml);
        foreach (var hook in new[] { "api-key.sh", "api-key.ps1" })
        {
            Assert.Contains($"infra/hooks/{hook}", yaml);
            var script = Read("infra", "hooks", hook);
            Assert.Contains("ORLEANSKV_API_KEY", script);
            Assert.Contains("azd env set ORLEANSKV_API_KEY", script);
        }
    }
}
