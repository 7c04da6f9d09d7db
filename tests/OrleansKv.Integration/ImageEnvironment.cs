namespace OrleansKv.Integration;

/// <summary>
/// The environment the silo image sets for every container: the <c>ENV NAME=value</c> lines of the
/// Dockerfile's last (runtime) stage. The base image's own variables are not known here.
/// </summary>
internal static class ImageEnvironment
{
    public static IReadOnlyList<(string Name, string Value)> FromDockerfile()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "Dockerfile")).Select(l => l.Trim()).ToList();
        var runtime = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var found = new List<(string, string)>();
        foreach (var line in lines.Skip(runtime).Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            // Only the one-variable NAME=value form is used (and understood) here.
            var assignment = line["ENV ".Length..].Trim();
            var equals = assignment.IndexOf('=');
            Assert.True(equals > 0 && !assignment.Contains(' '), $"unexpected ENV line in the Dockerfile: {line}");
            found.Add((assignment[..equals], assignment[(equals + 1)..]));
        }
        return found;
    }
}
