namespace OrleansKv.Silo.Hosting;

/// <summary>
/// Recognises a data folder written by OrleansKv before its replicas kept their state through
/// Orleans grain storage (a silo-wide write-ahead log, <c>wal-*.log</c> segments). Starting over
/// it would silently begin with empty replicas, so the silo refuses to.
/// </summary>
internal static class EarlierFormat
{
    public static void ThrowIfWriteAheadLog(string directory)
    {
        if (!Directory.Exists(directory) || !Directory.EnumerateFiles(directory, "wal-*.log").Any()) return;
        throw new InvalidOperationException(
            $"{directory} holds an earlier OrleansKv storage format (write-ahead log segments wal-*.log) that this version does not read; " +
            "move it aside, or start this silo with another --data folder");
    }
}
