using System.Reflection;
using OrleansKv.Silo.Configuration;

namespace OrleansKv.Deployment.Tests;

/// <summary>
/// The environment each silo container gets in Azure is exactly the configuration the silo reads,
/// so infra/ and the code cannot drift apart silently: every Silo__X is a setting of SiloSettings,
/// everything else is on a short allow-list, and nothing an Azure silo needs is missing.
/// </summary>
public sealed class SiloSettingsTests
{
    /// <summary>Read by SiloCommandLine.Bind (the --silos list) rather than bound to a property.</summary>
    private const string SilosList = "SilosList";

    private static bool IsRead(string variable)
    {
        if (!variable.StartsWith("Silo__", StringComparison.Ordinal)) return IsAllowedOtherVariable(variable);
        var setting = variable["Silo__".Length..];
        return setting == SilosList || SettableSiloSettings.Contains(setting);
    }

    /// <summary>Not silo settings, but read by the runtime or its libraries.</summary>
    private static bool IsAllowedOtherVariable(string name) =>
        name == "AZURE_CLIENT_ID"                                  // DefaultAzureCredential: which managed identity
        || name.StartsWith("DOTNET_", StringComparison.Ordinal)    // .NET runtime knobs
        || name.StartsWith("Logging__", StringComparison.Ordinal); // log levels

    private static readonly HashSet<string> SettableSiloSettings =
    [
        .. typeof(SiloSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name),
    ];

    [Fact]
    public async Task Every_variable_a_silo_container_gets_is_a_silo_setting_or_on_the_allow_list()
    {
        var silo = await SiloApp.LoadAsync();
        Assert.NotEmpty(silo.Environment);
        var unread = silo.Environment.Select(e => e.Name).Where(name => !IsRead(name)).ToList();
        Assert.True(unread.Count == 0,
            $"the silo container is given {string.Join(", ", unread)}, which the silo does not read (no settable SiloSettings property, not on the allow-list)");
        Assert.Equal(silo.Environment.Count, silo.Environment.Select(e => e.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public async Task A_silo_container_gets_every_setting_an_Azure_silo_needs()
    {
        var silo = await SiloApp.LoadAsync();
        string[] needed =
        [
            "AZURE_CLIENT_ID", "Silo__Name", "Silo__SilosList", "Silo__Storage", "Silo__AzureBlobServiceUri",
            "Silo__AzureBlobContainer", "Silo__Clustering", "Silo__AzureTableServiceUri", "Silo__ApiKey",
            "Silo__ListenOnAnyAddress", "Silo__AdvertisedHost", "Silo__SiloPort", "Silo__GatewayPort", "Silo__HttpUrl",
        ];
        foreach (var name in needed) silo.Variable(name);

        // Keyless Azure storage for both the Raft state and the membership table.
        Assert.Equal("azureblob", silo.Variable("Silo__Storage").Value);
        Assert.Equal("azuretable", silo.Variable("Silo__Clustering").Value);
        Assert.Equal("true", silo.Variable("Silo__ListenOnAnyAddress").Value);
        // The silo's name is the app's: the name Container Apps keeps across restarts.
        Assert.Equal("name", SiloApp.ParameterIn(silo.Variable("Silo__Name").Value!));
        Assert.Equal("name", SiloApp.ParameterIn(silo.App.Json.GetProperty("name").GetString()!));
        // No connection string setting at all: the service URIs are used with the managed identity.
        Assert.DoesNotContain(silo.Environment, e => e.Name.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_API_key_reaches_the_silo_only_as_a_secret_reference_to_a_secure_parameter()
    {
        var template = await CompiledTemplate.LoadAsync();
        var silo = await SiloApp.LoadAsync();

        var apiKey = silo.Variable("Silo__ApiKey");
        Assert.Null(apiKey.Value);
        Assert.NotNull(apiKey.SecretRef);
        Assert.Equal(apiKey, Assert.Single(silo.Environment, e => e.SecretRef is not null));

        var secrets = silo.Configuration.GetProperty("secrets").EnumerateArray().ToList();
        var secret = Assert.Single(secrets);
        Assert.Equal(apiKey.SecretRef, secret.GetProperty("name").GetString());
        var parameter = SiloApp.ParameterIn(secret.GetProperty("value").GetString()!);
        Assert.Equal("securestring", silo.App.Template.GetProperty("parameters").GetProperty(parameter).GetProperty("type").GetString());

        // main.bicep hands its own secure apiKey parameter to every silo; it is generated, never written down.
        Assert.Equal("apiKey", SiloApp.ParameterIn(silo.App.Module!.ParameterValue(parameter)));
        var mainParameter = template.Root.GetProperty("parameters").GetProperty("apiKey");
        Assert.Equal("securestring", mainParameter.GetProperty("type").GetString());
        Assert.Equal("[newGuid()]", mainParameter.GetProperty("defaultValue").GetString());
    }

    [Fact]
    public async Task The_gateway_URL_a_silo_is_given_listens_on_the_port_its_ingress_targets()
    {
        var silo = await SiloApp.LoadAsync();
        var url = new Uri(silo.Variable("Silo__HttpUrl").Value!);
        Assert.Equal("0.0.0.0", url.Host);
        Assert.Equal(url.Port, silo.Ingress.GetProperty("targetPort").GetInt32());
    }
}
