using System.Collections.Immutable;
using System.Text.Json;

namespace OrleansKv.Integration;

/// <summary>
/// Where an ARM expression is evaluated offline: one (module) template, with its parameter values,
/// the index of the copy loop being expanded, and the indexes of the variable loops in progress.
/// A module's parameters are evaluated in the enclosing template, at the module loop's index, as
/// Azure would (Bicep compiles modules with the "inner" evaluation scope).
/// </summary>
internal sealed class ArmScope
{
    private readonly Func<string, object?> _parameter;
    private readonly long? _copyIndex;
    private readonly ImmutableDictionary<string, long> _loops;

    private ArmScope(JsonElement template, Func<string, object?>? parameter, long? copyIndex, ImmutableDictionary<string, long> loops)
    {
        Template = template;
        _parameter = parameter ?? DefaultValue;
        _copyIndex = copyIndex;
        _loops = loops;
    }

    public JsonElement Template { get; }

    /// <summary>The top-level template, deployed with <paramref name="parameters"/> and the defaults of the others.</summary>
    public static ArmScope ForTemplate(JsonElement template, IReadOnlyDictionary<string, object?> parameters)
    {
        ArmScope? scope = null;
        scope = new ArmScope(template, name => parameters.TryGetValue(name, out var value) ? value : scope!.DefaultValue(name), null, ImmutableDictionary<string, long>.Empty);
        return scope;
    }

    /// <summary>The template of a module this template deploys (a Microsoft.Resources/deployments resource), at loop index <paramref name="copyIndex"/> if it is a loop.</summary>
    public ArmScope ForModule(JsonElement deployment, long? copyIndex)
    {
        var caller = new ArmScope(Template, _parameter, copyIndex, _loops);
        var properties = ArmValues.PropertyOf(deployment, "properties");
        var given = ArmValues.PropertyOf(properties, "parameters");
        var template = ArmValues.PropertyOf(properties, "template");
        return new ArmScope(template, name => given.TryGetProperty(name, out var value) ? Given(value, caller) : null, null, ImmutableDictionary<string, long>.Empty)
            .WithDefaults();
    }

    public object? Parameter(string name) => _parameter(name);

    /// <summary>A variable; a variable loop (<c>"copy"</c> in <c>variables</c>) is expanded into an array.</summary>
    public object? Variable(string name)
    {
        var variables = ArmValues.PropertyOf(Template, "variables");
        if (variables.TryGetProperty(name, out var value)) return ArmValues.FromJson(value, this);
        if (variables.TryGetProperty("copy", out var loops))
        {
            foreach (var loop in loops.EnumerateArray().Where(l => l.GetProperty("name").GetString() == name))
            {
                var count = ArmValues.Integer(ArmValues.FromJson(loop.GetProperty("count"), this));
                return Enumerable.Range(0, checked((int)count))
                    .Select(i => ArmValues.FromJson(loop.GetProperty("input"), new ArmScope(Template, _parameter, _copyIndex, _loops.SetItem(name, i))))
                    .ToList();
            }
        }
        throw new NotEvaluableOfflineException($"the missing variable {name}");
    }

    /// <summary>copyIndex(): the resource loop's index, or the named variable loop's.</summary>
    public long LoopIndex(string? loop) =>
        loop is null
            ? _copyIndex ?? throw new NotEvaluableOfflineException("copyIndex() outside a loop")
            : _loops.TryGetValue(loop, out var index) ? index : throw new NotEvaluableOfflineException($"copyIndex('{loop}') outside that loop");

    /// <summary>An output of the module deployment of this template named <paramref name="deployment"/> (not a loop).</summary>
    public object? ModuleOutput(string deployment, string output)
    {
        foreach (var resource in Resources())
        {
            if (ArmValues.PropertyOf(resource, "type").GetString() != "Microsoft.Resources/deployments" || resource.TryGetProperty("copy", out _)) continue;
            if (ArmValues.FromJson(ArmValues.PropertyOf(resource, "name"), this) as string != deployment) continue;
            var module = ForModule(resource, null);
            var declared = ArmValues.PropertyOf(ArmValues.PropertyOf(module.Template, "outputs"), output);
            return ArmValues.FromJson(ArmValues.PropertyOf(declared, "value"), module);
        }
        throw new NotEvaluableOfflineException($"the output {output} of a module deployment {deployment} that is not in the template");
    }

    /// <summary>This template's resources, whether an array or (symbolic names) an object.</summary>
    public IEnumerable<JsonElement> Resources()
    {
        if (!Template.TryGetProperty("resources", out var resources)) return [];
        return resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();
    }

    // A parameter the module is given: { "value": ... }, or one expression for the whole object (a conditional value).
    private static object? Given(JsonElement value, ArmScope caller) =>
        value.ValueKind == JsonValueKind.String
            ? ArmValues.Property(ArmValues.FromJson(value, caller), "value")
            : ArmValues.FromJson(ArmValues.PropertyOf(value, "value"), caller);

    // Parameters the module is not given take their defaults, evaluated in the module.
    private ArmScope WithDefaults()
    {
        ArmScope? scope = null;
        var given = _parameter;
        scope = new ArmScope(Template, name => given(name) is { } value ? value : scope!.DefaultValue(name), null, _loops);
        return scope;
    }

    private object? DefaultValue(string name)
    {
        var declared = ArmValues.PropertyOf(ArmValues.PropertyOf(Template, "parameters"), name);
        return declared.TryGetProperty("defaultValue", out var value)
            ? ArmValues.FromJson(value, this)
            : throw new NotEvaluableOfflineException($"the parameter {name}, which has no default");
    }
}
