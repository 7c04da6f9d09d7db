using System.Globalization;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>File names in a provider's directory: <c>state-&lt;id:16 hex&gt;.log</c> segments and the <c>LOCK</c> file.</summary>
internal static class StateLogFileNames
{
    public const string LockFile = "LOCK";

    public static string Segment(ulong id) => $"state-{id:x16}.log";

    public static bool TryParseSegment(string fileName, out ulong id)
    {
        id = 0;
        return fileName.Length == 26 && fileName.StartsWith("state-", StringComparison.Ordinal) && fileName.EndsWith(".log", StringComparison.Ordinal)
            && ulong.TryParse(fileName.AsSpan(6, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id);
    }
}
