using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansKv.Deployment.Tests;

/// <summary>
/// infra/main.bicep compiled by the Bicep CLI into the ARM template Azure would deploy, modules
/// included (each module is a nested deployment with its own template). Built once per test run.
/// </summary>
internal sealed partial class CompiledTemplate
{
    private static readonly Lazy<Task<CompiledTemplate>> Compiled = new(CompileAsync);

    private CompiledTemplate(BicepCli.Result build, string json)
    {
        Build = build;
        Text = json;
        Root = JsonDocument.Parse(json).RootElement;
        Resources = [.. ResourcesOf(Root, enclosingDeployment: null)];
    }

    public static string MainBicep => Path.Combine(RepositoryRoot.Path, "infra", "main.bicep");

    /// <summary>What `bicep build` printed.</summary>
    public BicepCli.Result Build { get; }

    /// <summary>The compiled template as text.</summary>
    public string Text { get; }

    public JsonElement Root { get; }

    /// <summary>Every resource, those of every module included.</summary>
    public IReadOnlyList<TemplateResource> Resources { get; }

    public static Task<CompiledTemplate> LoadAsync() => Compiled.Value;

    public IEnumerable<TemplateResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public TemplateResource Single(string type)
    {
        var found = OfType(type).ToList();
        Assert.True(found.Count == 1, $"expected one {type} in the template, found {found.Count}");
        return found[0];
    }

    private static async Task<CompiledTemplate> CompileAsync()
    {
        var folder = Directory.CreateTempSubdirectory("orleanskv-bicep-");
        try
        {
            var outFile = Path.Combine(folder.FullName, "main.json");
            var build = await BicepCli.RunAsync("build", MainBicep, "--outfile", outFile);
            Assert.True(build.ExitCode == 0 && File.Exists(outFile), build.Describe("build"));
            return new CompiledTemplate(build, await File.ReadAllTextAsync(outFile));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static IEnumerable<TemplateResource> ResourcesOf(JsonElement template, TemplateResource? enclosingDeployment)
    {
        if (!template.TryGetProperty("resources", out var resources)) yield break;
        // Templates with symbolic names (languageVersion 2.0) hold an object instead of an array.
        IEnumerable<JsonElement> items = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value)
            : resources.EnumerateArray();
        foreach (var json in items)
        {
            var resource = new TemplateResource(json, template, enclosingDeployment);
            yield return resource;
            if (resource.Type == "Microsoft.Resources/deployments"
                && json.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                foreach (var inner in ResourcesOf(nested, resource)) yield return inner;
            }
        }
    }

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    internal static partial Regex VariableReference();
}

/// <summary>One resource of the template, with the (module) template that declares it.</summary>
internal sealed class TemplateResource(JsonElement json, JsonElement template, TemplateResource? enclosingDeployment)
{
    public JsonElement Json { get; } = json;

    /// <summary>The template, or module template, that declares this resource.</summary>
    public JsonElement Template { get; } = template;

    /// <summary>The module deployment this resource is part of; null at the top level.</summary>
    public TemplateResource? Module { get; } = enclosingDeployment;

    public string Type => Json.GetProperty("type").GetString()!;

    public JsonElement Properties => Json.GetProperty("properties");

    /// <summary>The value this module's deployment passes for one of its parameters (a literal or an expression).</summary>
    public string ParameterValue(string name)
    {
        var parameter = Properties.GetProperty("parameters").GetProperty(name);
        // A conditional value compiles to one expression for the whole { value: ... } object.
        return parameter.ValueKind == JsonValueKind.String ? parameter.GetString()! : parameter.GetProperty("value").ToString();
    }

    /// <summary>An expression with each reference to a string variable of the declaring template replaced by its value.</summary>
    public string ResolveVariables(string expression) =>
        CompiledTemplate.VariableReference().Replace(expression, match =>
            Template.TryGetProperty("variables", out var variables)
            && variables.TryGetProperty(match.Groups[1].Value, out var value)
            && value.ValueKind == JsonValueKind.String
                ? $"'{value.GetString()}'"
                : match.Value);
}
