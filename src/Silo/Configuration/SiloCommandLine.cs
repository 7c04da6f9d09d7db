using Microsoft.Extensions.Configuration;

namespace OrleansKv.Silo.Configuration;

/// <summary>Short flags for the common settings, and the compact --silos form.</summary>
public static class SiloCommandLine
{
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--id"] = "Silo:Id",
        ["--cluster"] = "Silo:Cluster",
        ["--address"] = "Silo:Address",
        ["--http"] = "Silo:HttpUrl",
        ["--data"] = "Silo:DataDirectory",
        ["--storage"] = "Silo:Storage",
        ["--groups"] = "Silo:Groups",
        ["--replication"] = "Silo:ReplicationFactor",
        ["--tick-ms"] = "Silo:TickMilliseconds",
        ["--silos"] = "Silo:SilosList",
    };

    /// <summary>Reads the "Silo" section; --silos "1=127.0.0.1:7001=http://127.0.0.1:8081,2=..." overrides Silo:Silos.</summary>
    public static SiloOptions Bind(IConfiguration configuration)
    {
        var options = new SiloOptions();
        configuration.GetSection("Silo").Bind(options);
        var list = configuration["Silo:SilosList"];
        if (!string.IsNullOrWhiteSpace(list)) options.Silos = ParseSilos(list);
        options.Validate();
        return options;
    }

    public static List<SiloEndpoint> ParseSilos(string list)
    {
        var silos = new List<SiloEndpoint>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 3);
            if (parts.Length < 2 || !ulong.TryParse(parts[0], out var id) || id == 0)
                throw new FormatException($"--silos entry '{item}' is not id=host:port[=httpUrl]");
            silos.Add(new SiloEndpoint { Id = id, Address = parts[1], HttpUrl = parts.Length > 2 ? parts[2] : "" });
        }
        return silos;
    }

    public static string FormatSilos(IEnumerable<SiloEndpoint> silos) =>
        string.Join(',', silos.Select(s => $"{s.Id}={s.Address}={s.HttpUrl}"));
}
