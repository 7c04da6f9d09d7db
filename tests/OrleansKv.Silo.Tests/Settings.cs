using Microsoft.Extensions.Configuration;
using OrleansKv.Silo.Configuration;

namespace OrleansKv.Silo.Tests;

/// <summary>Binds silo settings as the silo process does, from configuration keys such as <c>Silo:ApiKey</c> (the environment's <c>Silo__ApiKey</c>).</summary>
internal static class Settings
{
    /// <summary>A one-silo cluster's settings with <paramref name="values"/> added; bound and validated.</summary>
    public static SiloSettings Bind(params (string Key, string Value)[] values)
    {
        var pairs = new Dictionary<string, string?> { ["Silo:Name"] = "silo1", ["Silo:Silos:0"] = "silo1" };
        foreach (var (key, value) in values) pairs[key] = value;
        return SiloCommandLine.Bind(new ConfigurationBuilder().AddInMemoryCollection(pairs).Build());
    }
}
