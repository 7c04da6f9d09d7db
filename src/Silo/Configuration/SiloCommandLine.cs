using Microsoft.Extensions.Configuration;

namespace OrleansKv.Silo.Configuration;

/// <summary>Short flags for the common settings, and the binding of the <c>Silo</c> section.</summary>
public static class SiloCommandLine
{
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--name"] = "Silo:Name",
        ["--cluster"] = "Silo:ClusterId",
        ["--address"] = "Silo:Address",
        ["--silo-port"] = "Silo:SiloPort",
        ["--gateway-port"] = "Silo:GatewayPort",
        ["--http"] = "Silo:HttpUrl",
        ["--data"] = "Silo:DataDirectory",
        ["--storage"] = "Silo:Storage",
        ["--clustering"] = "Silo:Clustering",
        ["--membership"] = "Silo:ClusteringDirectory",
        ["--azure-table"] = "Silo:AzureTableConnectionString",
        ["--azure-blob"] = "Silo:AzureBlobConnectionString",
        ["--groups"] = "Silo:Groups",
        ["--replication"] = "Silo:ReplicationFactor",
        ["--tick-ms"] = "Silo:TickMilliseconds",
        ["--silos"] = "Silo:SilosList",
    };

    /// <summary>Reads the "Silo" section; <c>--silos silo1,silo2,silo3</c> overrides Silo:Silos.</summary>
    public static SiloSettings Bind(IConfiguration configuration)
    {
        var settings = new SiloSettings();
        configuration.GetSection("Silo").Bind(settings);
        var list = configuration["Silo:SilosList"];
        if (!string.IsNullOrWhiteSpace(list)) settings.Silos = [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        // Orleans's own configuration convention (Orleans__ClusterId, ...) names the cluster too.
        if (settings.ClusterId.Length == 0) settings.ClusterId = configuration["Orleans:ClusterId"] ?? "";
        if (settings.ServiceId.Length == 0) settings.ServiceId = configuration["Orleans:ServiceId"] ?? "";
        settings.Validate();
        return settings;
    }

    /// <summary>The value of --config, if given.</summary>
    public static string? ConfigFile(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith("--config=", StringComparison.Ordinal)) return args[i]["--config=".Length..];
        }
        return null;
    }
}
