namespace OrleansKv.Integration;

/// <summary>The build configuration the tests were built with, so they start the silo built the same way.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class SiloBuildConfiguration(string configuration) : Attribute
{
    public string Configuration { get; } = configuration;
}
