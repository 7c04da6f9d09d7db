using System.Text.Json;

namespace OrleansKv.Clustering;

/// <summary>
/// The on-disk home of one cluster's table: <c>membership-{clusterId}.json</c> in the clustering
/// directory, with a <c>.lock</c> file beside it. Writers hold the cross-process lock for a whole
/// read-modify-write and replace the table by writing a temp file, fsyncing it, renaming it over
/// the table and fsyncing the directory. So at any instant, even after kill -9 or a power loss
/// mid-write, the table file is one complete version, and readers need no lock at all.
/// </summary>
internal sealed class MembershipTableFile
{
    private readonly TimeSpan lockTimeout;

    /// <summary>Names the files of <paramref name="clusterId"/>'s table under <paramref name="directory"/>.</summary>
    public MembershipTableFile(string directory, string clusterId, TimeSpan lockTimeout)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ArgumentException($"{nameof(FileClusteringOptions)}.{nameof(FileClusteringOptions.Directory)} is required.", nameof(directory));
        }

        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        Directory = Path.GetFullPath(directory);
        ClusterId = clusterId;
        this.lockTimeout = lockTimeout;
        // Escaping keeps any cluster id a single, safe file name ("a/b" must not become a folder).
        var stem = Path.Combine(Directory, "membership-" + Uri.EscapeDataString(clusterId));
        TablePath = stem + ".json";
        TempPath = TablePath + ".tmp";
        LockPath = stem + ".lock";
    }

    /// <summary>The absolute clustering directory.</summary>
    public string Directory { get; }

    /// <summary>The cluster whose table this is.</summary>
    public string ClusterId { get; }

    /// <summary>The table itself; only ever replaced whole, by rename.</summary>
    public string TablePath { get; }

    /// <summary>Where the next version is written before the rename; may hold junk after a crash.</summary>
    public string TempPath { get; }

    /// <summary>The file whose exclusive lock serialises writers across processes.</summary>
    public string LockPath { get; }

    /// <summary>
    /// Reads the current table without taking the lock: the file is only replaced by an atomic
    /// rename, so an open sees either the old or the new table, whole. Null when there is none.
    /// </summary>
    public async Task<TableDocument?> ReadAsync(CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        try
        {
            // Share Delete too, so that on Windows an open reader does not block the writer's rename.
            await using var stream = new FileStream(
                TablePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.Asynchronous);
            bytes = new byte[stream.Length];
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Parse(bytes);
    }

    /// <summary>
    /// Runs <paramref name="change"/> on the current table (null if there is none) while holding
    /// the cross-process lock. If it returns a document, that document durably becomes the table
    /// before the lock is released. The result is passed back to the caller.
    /// </summary>
    public async Task<T> UpdateAsync<T>(Func<TableDocument?, (TableDocument? Write, T Result)> change, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        using var held = await CrossProcessLock.AcquireAsync(LockPath, lockTimeout, cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var (write, result) = change(current);
        if (write is not null)
        {
            // Cancel only before writing: a change that reached the disk must be reported as
            // made, or the caller would retry it against a table that already has it.
            cancellationToken.ThrowIfCancellationRequested();
            WriteDurably(write);
        }

        return result;
    }

    /// <summary>Removes the table (and any leftover temp file) under the lock. The lock file stays.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        using var held = await CrossProcessLock.AcquireAsync(LockPath, lockTimeout, cancellationToken).ConfigureAwait(false);
        File.Delete(TablePath);
        File.Delete(TempPath);
        Storage.DirectorySync.Sync(Directory);
    }

    private void WriteDurably(TableDocument table)
    {
        table.Format = TableDocument.CurrentFormat;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(table, TableJsonContext.Default.TableDocument);
        // FileMode.Create truncates whatever a writer killed mid-write left in the temp file.
        using (var temp = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            temp.Write(bytes);
            // fsync before the rename: otherwise the rename can reach the disk before the data,
            // and a power loss would leave a table file of the right name but empty or partial.
            temp.Flush(flushToDisk: true);
        }

        File.Move(TempPath, TablePath, overwrite: true);
        Storage.DirectorySync.Sync(Directory);
    }

    private TableDocument Parse(byte[] bytes)
    {
        TableDocument? table;
        try
        {
            table = JsonSerializer.Deserialize(bytes, TableJsonContext.Default.TableDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The membership table file '{TablePath}' is not valid JSON: {e.Message}", e);
        }

        if (table is null || table.Format != TableDocument.CurrentFormat)
        {
            throw new InvalidDataException(
                $"The membership table file '{TablePath}' has format {table?.Format.ToString() ?? "null"}; "
                + $"this version reads format {TableDocument.CurrentFormat} only.");
        }

        if (!string.Equals(table.ClusterId, ClusterId, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"The membership table file '{TablePath}' belongs to cluster '{table.ClusterId}', not '{ClusterId}'.");
        }

        return table;
    }
}
