using OrleansKv.Deployment.Tests;

namespace OrleansKv.Integration;

/// <summary>One environment variable the compiled template gives a silo container.</summary>
/// <param name="Name">The variable's name.</param>
/// <param name="Declared">What the template says: a literal, an ARM expression, or the secret it references.</param>
/// <param name="Value">Its value, evaluated offline; null when only Azure knows it.</param>
/// <param name="WhyNotEvaluable">Why <paramref name="Value"/> is null.</param>
internal sealed record TemplateVariable(string Name, string Declared, string? Value, string? WhyNotEvaluable);

/// <summary>
/// The environment infra/main.bicep, compiled by the Bicep CLI, gives each silo container when it
/// is deployed with <c>siloCount</c> silos and the other parameters at their defaults: the silo
/// module's <c>env</c> list, evaluated at each index of the module loop.
/// </summary>
internal static class TemplateSiloEnvironment
{
    public static async Task<IReadOnlyList<IReadOnlyList<TemplateVariable>>> ForEachSiloAsync(int siloCount)
    {
        var template = await CompiledTemplate.LoadAsync();
        var silo = await SiloApp.LoadAsync();
        var loop = silo.App.Module ?? throw new InvalidOperationException("the silo app is not deployed by a module");
        var main = ArmScope.ForTemplate(template.Root, new Dictionary<string, object?> { ["siloCount"] = (long)siloCount });
        var count = ArmValues.Integer(ArmValues.FromJson(loop.Json.GetProperty("copy").GetProperty("count"), main));
        Assert.True(count == siloCount, $"the silo module loop deploys {count} silos for siloCount {siloCount}");

        var secrets = silo.Configuration.GetProperty("secrets").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        return [.. Enumerable.Range(0, siloCount).Select(i =>
        {
            var module = main.ForModule(loop.Json, i);
            IReadOnlyList<TemplateVariable> variables = [.. silo.Environment.Select(variable => variable.SecretRef is not { } secret
                ? Evaluate(variable.Name, variable.Value!, variable.Value!, module)
                : secrets.TryGetValue(secret, out var value)
                    ? Evaluate(variable.Name, $"secretRef: {secret}", value, module)
                    : new TemplateVariable(variable.Name, $"secretRef: {secret}", null, $"the secret {secret} is not declared"))];
            return variables;
        })];
    }

    private static TemplateVariable Evaluate(string name, string declared, string expression, ArmScope scope)
    {
        try
        {
            return new TemplateVariable(name, declared, ArmValues.Text(ArmExpression.Parse(expression).Evaluate(scope)), null);
        }
        catch (NotEvaluableOfflineException e)
        {
            return new TemplateVariable(name, declared, null, e.Message);
        }
    }
}
