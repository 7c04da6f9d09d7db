namespace OrleansKv.Integration;

/// <summary>
/// The only settings of the compiled template that a silo started here does not get as they are,
/// each with what it gets instead and why. Every other variable of the template passes through
/// unchanged, and <see cref="Apply"/> refuses a template whose variables do not match this table,
/// so a new variable in infra/ can be neither silently dropped nor silently replaced.
/// </summary>
internal static class LocalSubstitutions
{
    /// <summary>What a template variable becomes here: zero or more variables (name, value), and why.</summary>
    public sealed record Substitution(string Reason, Func<LocalSilo, IReadOnlyList<(string Name, string Value)>> Replace);

    public static readonly IReadOnlyDictionary<string, Substitution> Table = new Dictionary<string, Substitution>
    {
        ["AZURE_CLIENT_ID"] = new("the managed identity's client id: there is no managed identity here (Azurite takes a connection string)",
            _ => []),
        ["Silo__AzureTableServiceUri"] = new("a managed identity cannot sign in to Azurite: its connection string instead",
            l => [("Silo__AzureTableConnectionString", l.AzuriteConnectionString)]),
        ["Silo__AzureBlobServiceUri"] = new("a managed identity cannot sign in to Azurite: its connection string instead",
            l => [("Silo__AzureBlobConnectionString", l.AzuriteConnectionString)]),
        ["Silo__AdvertisedHost"] = new("the Container Apps internal name resolves only inside Azure: the silo advertises 127.0.0.1 instead",
            _ => [("Silo__Address", "127.0.0.1")]),
        ["Silo__ListenOnAnyAddress"] = new("tests bind 127.0.0.1 only",
            _ => [("Silo__ListenOnAnyAddress", "false")]),
        ["Silo__SiloPort"] = new("11110+i may be taken on this machine: a free port",
            l => [("Silo__SiloPort", l.SiloPort.ToString())]),
        ["Silo__GatewayPort"] = new("30000+i may be taken on this machine: a free port",
            l => [("Silo__GatewayPort", l.GatewayPort.ToString())]),
        ["Silo__HttpUrl"] = new("every app has its own 0.0.0.0:8080 in Azure; three silos on one host need three ports: a free one on 127.0.0.1",
            l => [("Silo__HttpUrl", l.HttpUrl)]),
        ["Silo__ApiKey"] = new("a reference to the api-key secret, which holds a key generated at deployment: the key the test generated",
            l => [("Silo__ApiKey", l.ApiKey)]),
    };

    /// <summary>
    /// The environment a silo started here gets for one silo container of the template: the image's
    /// ENV, then every template variable unchanged except the table's, which are replaced as it says.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Apply(
        IReadOnlyList<TemplateVariable> template, IReadOnlyList<(string Name, string Value)> imageEnvironment, LocalSilo local)
    {
        var names = template.Select(v => v.Name).ToHashSet();
        var stale = Table.Keys.Where(name => !names.Contains(name)).ToList();
        Assert.True(stale.Count == 0, $"the substitution table names {string.Join(", ", stale)}, which the template no longer gives a silo: update the table");
        var unknown = template.Where(v => !Table.ContainsKey(v.Name) && v.Value is null).ToList();
        Assert.True(unknown.Count == 0, "these template variables cannot be evaluated here and are not substituted; add them to the table with a reason:\n"
            + string.Join("\n", unknown.Select(v => $"{v.Name} = {v.Declared}: {v.WhyNotEvaluable}")));

        // The container platform's variables win over the image's ENV, as in a container.
        var environment = imageEnvironment.ToDictionary(e => e.Name, e => e.Value);
        foreach (var variable in template)
        {
            if (Table.TryGetValue(variable.Name, out var substitution))
            {
                foreach (var (name, value) in substitution.Replace(local))
                {
                    Assert.True(name == variable.Name || !names.Contains(name), $"{variable.Name}'s replacement {name} would override the template's own {name}");
                    environment[name] = value;
                }
            }
            else environment[variable.Name] = variable.Value!;
        }
        return environment;
    }
}
