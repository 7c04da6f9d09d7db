using System.Text.Json;

namespace OrleansKv.Deployment.Tests;

/// <summary>
/// The silo Container App as the template defines it. infra/main.bicep deploys the one definition
/// in modules/silo.bicep once per silo (a module loop), so what holds for it holds for every silo.
/// </summary>
internal sealed class SiloApp
{
    private SiloApp(TemplateResource app)
    {
        App = app;
        var containers = app.Properties.GetProperty("template").GetProperty("containers");
        Assert.Equal(1, containers.GetArrayLength());
        Container = containers[0];
        Environment = [.. Container.GetProperty("env").EnumerateArray().Select(e => new EnvironmentVariable(
            e.GetProperty("name").GetString()!,
            e.TryGetProperty("value", out var value) ? value.ToString() : null,
            e.TryGetProperty("secretRef", out var secretRef) ? secretRef.GetString() : null))];
    }

    public sealed record EnvironmentVariable(string Name, string? Value, string? SecretRef);

    public TemplateResource App { get; }

    public JsonElement Container { get; }

    public IReadOnlyList<EnvironmentVariable> Environment { get; }

    public JsonElement Configuration => App.Properties.GetProperty("configuration");

    public JsonElement Ingress => Configuration.GetProperty("ingress");

    public static async Task<SiloApp> LoadAsync()
    {
        var template = await CompiledTemplate.LoadAsync();
        return new SiloApp(template.Single("Microsoft.App/containerApps"));
    }

    public EnvironmentVariable Variable(string name) =>
        Environment.SingleOrDefault(e => e.Name == name) ?? throw new Xunit.Sdk.XunitException($"the silo container is not given {name}");

    /// <summary>The silo module's parameter an expression names, e.g. "siloPort" for "[string(parameters('siloPort'))]".</summary>
    public static string ParameterIn(string expression)
    {
        var match = System.Text.RegularExpressions.Regex.Match(expression, @"parameters\('([^']+)'\)");
        Assert.True(match.Success, $"'{expression}' names no parameter");
        return match.Groups[1].Value;
    }
}
