using System.Text.RegularExpressions;

namespace OrleansKv.Integration;

/// <summary>
/// The console program README.md shows under "Use it from .NET": the first <c>csharp</c> block and
/// the first <c>xml</c> block (its project file) between the markers
/// <c>&lt;!-- readme-program --&gt;</c> and <c>&lt;!-- /readme-program --&gt;</c>.
/// </summary>
internal sealed partial record ReadmeProgram(string Code, string Project)
{
    public const string StartMarker = "<!-- readme-program -->";
    public const string EndMarker = "<!-- /readme-program -->";

    public static ReadmeProgram Read(string readmePath)
    {
        var text = File.ReadAllText(readmePath).ReplaceLineEndings("\n");
        var start = text.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(EndMarker, start, StringComparison.Ordinal);
        if (start < 0 || end < 0) throw new InvalidDataException($"{readmePath} has no section between {StartMarker} and {EndMarker}");
        var section = text[start..end];
        return new ReadmeProgram(Block(section, "csharp", readmePath), Block(section, "xml", readmePath));
    }

    /// <summary>The project file with its reference to the client library replaced by <paramref name="clientProject"/> (an absolute path).</summary>
    public string ProjectReferencing(string clientProject)
    {
        var replaced = ClientReference().Replace(Project, $"<ProjectReference Include=\"{clientProject}\"");
        if (replaced == Project) throw new InvalidDataException("the README's project file has no ProjectReference to OrleansKv.Client.csproj");
        return replaced;
    }

    private static string Block(string section, string language, string readmePath)
    {
        var match = Regex.Match(section, $"^```{language}\\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : throw new InvalidDataException($"{readmePath}: no {language} block between {StartMarker} and {EndMarker}");
    }

    [GeneratedRegex("<ProjectReference Include=\"[^\"]*OrleansKv\\.Client\\.csproj\"")]
    private static partial Regex ClientReference();
}
