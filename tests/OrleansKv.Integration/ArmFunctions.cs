using System.Globalization;

namespace OrleansKv.Integration;

/// <summary>
/// The ARM template functions that offline evaluation knows: enough for what Bicep compiles the
/// silo settings to (parameters, loops, string building, module outputs). Any other function
/// (subscription, uniqueString, newGuid, ...) needs Azure, or is simply not needed here.
/// </summary>
internal static class ArmFunctions
{
    public static object? Call(string function, IReadOnlyList<ArmExpression> arguments, ArmScope scope)
    {
        object? Argument(int i) => arguments[i].Evaluate(scope);
        IEnumerable<object?> Evaluated() => arguments.Select(a => a.Evaluate(scope));

        switch (function.ToLowerInvariant())
        {
            case "parameters": return scope.Parameter(ArmValues.Text(Argument(0)));
            case "variables": return scope.Variable(ArmValues.Text(Argument(0)));
            case "copyindex": return CopyIndex([.. Evaluated()], scope);
            case "string": return ArmValues.Text(Argument(0));
            case "format":
                return string.Format(CultureInfo.InvariantCulture, ArmValues.Text(Argument(0)), arguments.Skip(1).Select(a => a.Evaluate(scope)).ToArray());
            case "concat":
                var parts = Evaluated().ToList();
                return parts.All(p => p is IReadOnlyList<object?>)
                    ? (object)parts.SelectMany(p => ArmValues.Array(p)).ToList()
                    : string.Concat(parts.Select(p => ArmValues.Text(p)));
            case "add": return ArmValues.Integer(Argument(0)) + ArmValues.Integer(Argument(1));
            case "sub": return ArmValues.Integer(Argument(0)) - ArmValues.Integer(Argument(1));
            case "range":
                var start = ArmValues.Integer(Argument(0));
                return Enumerable.Range(0, checked((int)ArmValues.Integer(Argument(1)))).Select(i => (object?)(start + i)).ToList();
            case "length":
                return Argument(0) switch
                {
                    string text => (long)text.Length,
                    IReadOnlyList<object?> list => (long)list.Count,
                    var other => throw new NotEvaluableOfflineException($"length() of {other ?? "null"}"),
                };
            case "join": return string.Join(ArmValues.Text(Argument(1)), ArmValues.Array(Argument(0)).Select(ArmValues.Text));
            case "equals": return Equals(Argument(0), Argument(1));
            case "not": return !(Argument(0) as bool? ?? throw new NotEvaluableOfflineException("not() of a non-boolean"));
            case "empty":
                return Argument(0) switch
                {
                    null => true,
                    string text => text.Length == 0,
                    IReadOnlyList<object?> list => list.Count == 0,
                    var other => throw new NotEvaluableOfflineException($"empty() of {other}"),
                };
            // Only the branch taken is evaluated: the other may need Azure.
            case "if":
                return (Argument(0) as bool? ?? throw new NotEvaluableOfflineException("if() on a non-boolean")) ? Argument(1) : Argument(2);
            case "createobject":
                var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i + 1 < arguments.Count; i += 2) map[ArmValues.Text(Argument(i))] = Argument(i + 1);
                return map;
            // A resource id's scope (subscription, resource group) is Azure's; its type and name are the template's.
            case "resourceid" or "extensionresourceid" or "subscriptionresourceid":
                return new ResourceReference(ArmValues.Text(Argument(arguments.Count - 2)), ArmValues.Text(Argument(arguments.Count - 1)));
            case "reference":
                return Argument(0) is ResourceReference { Type: "Microsoft.Resources/deployments" } deployment
                    ? ModuleDeployment(deployment.Name, scope)
                    : throw new NotEvaluableOfflineException("reference() to a resource's runtime properties");
            default: throw new NotEvaluableOfflineException($"{function}()");
        }
    }

    // copyIndex(), copyIndex(offset), copyIndex('loop'), copyIndex('loop', offset).
    private static long CopyIndex(IReadOnlyList<object?> arguments, ArmScope scope)
    {
        var loop = arguments.Count > 0 ? arguments[0] as string : null;
        var offset = arguments.Count > 0 && arguments[^1] is long n ? n : 0;
        return scope.LoopIndex(loop) + offset;
    }

    // reference(<a module's deployment>).outputs.<name>.value: the module's output, evaluated in the module.
    private static LazyObject ModuleDeployment(string name, ArmScope scope) =>
        new(property => string.Equals(property, "outputs", StringComparison.OrdinalIgnoreCase)
            ? new LazyObject(output => new LazyObject(field => string.Equals(field, "value", StringComparison.OrdinalIgnoreCase)
                ? scope.ModuleOutput(name, output)
                : throw new NotEvaluableOfflineException($"the output property {field}")))
            : throw new NotEvaluableOfflineException($"the deployment property {property}"));

    private sealed record ResourceReference(string Type, string Name);
}
