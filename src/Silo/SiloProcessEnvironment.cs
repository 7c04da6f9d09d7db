namespace OrleansKv.Silo;

/// <summary>
/// Runtime settings a silo process should be started with, which cannot be set from inside it
/// (the GC reads them before any code runs, and runtimeconfig.json has no name for them). The
/// local launcher sets them for its children; a container image or service unit sets them too.
/// </summary>
public static class SiloProcessEnvironment
{
    /// <summary>
    /// <c>DOTNET_GCgen0size</c> = 8 MiB: the GC's gen0 budget otherwise follows the CPU's cache
    /// size, and on a large-cache server CPU it let each silo's heap grow to ~270 MiB under
    /// bench/compare's load. A 16 MiB budget peaked at ~218 MiB, 8 MiB at ~208 MiB, with the same
    /// CPU per request (most of what a request allocates dies young either way).
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> Recommended { get; } =
    [
        ("DOTNET_GCgen0size", "0x800000"),
    ];
}
