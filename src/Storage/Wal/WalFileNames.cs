using System.Globalization;

namespace OrleansKv.Storage.Wal;

/// <summary>File names in the data folder: <c>wal-&lt;seq&gt;.log</c> segments and <c>snap-&lt;group&gt;-&lt;index&gt;.snap</c> snapshots (16 hex digits).</summary>
internal static class WalFileNames
{
    public const string LockFile = "LOCK";

    public static string Segment(ulong sequence) => $"wal-{sequence:x16}.log";

    public static string Snapshot(uint group, ulong index) => $"snap-{group}-{index:x16}.snap";

    public static string SnapshotTemp(uint group, ulong index) => $"snap-{group}-{index:x16}.tmp";

    public static bool TryParseSegment(string fileName, out ulong sequence)
    {
        sequence = 0;
        return fileName.Length == 24 && fileName.StartsWith("wal-", StringComparison.Ordinal) && fileName.EndsWith(".log", StringComparison.Ordinal)
            && ulong.TryParse(fileName.AsSpan(4, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out sequence);
    }

    /// <summary>Recognises snapshot files and their temporary files (both start with <c>snap-&lt;group&gt;-</c>).</summary>
    public static bool TryParseSnapshot(string fileName, out uint group)
    {
        group = 0;
        if (!fileName.StartsWith("snap-", StringComparison.Ordinal)) return false;
        if (!fileName.EndsWith(".snap", StringComparison.Ordinal) && !fileName.EndsWith(".tmp", StringComparison.Ordinal)) return false;
        var dash = fileName.IndexOf('-', 5);
        return dash > 5 && uint.TryParse(fileName.AsSpan(5, dash - 5), NumberStyles.None, CultureInfo.InvariantCulture, out group);
    }
}
