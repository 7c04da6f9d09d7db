using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace OrleansKv.Clustering;

/// <summary>
/// An Orleans membership table kept in a JSON file on the local disk, so a local cluster's
/// membership survives any one silo (unlike development clustering, which keeps it in the
/// primary silo). Several silo processes on one machine share it: every change is a
/// read-modify-write under a cross-process file lock, made durable by write-fsync-rename.
/// </summary>
/// <remarks>
/// Follows Orleans 10's <see cref="IMembershipTable"/> contract: InsertRow and UpdateRow succeed
/// only when the caller's table-version etag (and for UpdateRow the row etag) is current, then
/// store the caller's version number under a fresh table etag. The row etag is heartbeat-neutral:
/// UpdateIAmAlive changes neither it nor the table version, so a row read before a heartbeat can
/// still be updated after it.
/// </remarks>
public sealed partial class FileMembershipTable : IMembershipTable
{
    private readonly MembershipTableFile file;
    private readonly TimeSpan lockTimeout;
    private readonly ILogger<FileMembershipTable> logger;

    /// <summary>Creates the table for the configured cluster id under the configured directory.</summary>
    public FileMembershipTable(
        IOptions<FileClusteringOptions> options,
        IOptions<ClusterOptions> clusterOptions,
        ILogger<FileMembershipTable> logger)
    {
        lockTimeout = options.Value.LockTimeout;
        file = new MembershipTableFile(options.Value.Directory, clusterOptions.Value.ClusterId, lockTimeout);
        this.logger = logger;
    }

    /// <summary>The file that holds this cluster's table (for diagnostics and tooling).</summary>
    public string TablePath => file.TablePath;

    /// <inheritdoc />
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        if (!tryInitTableVersion)
        {
            return;
        }

        var created = await file.UpdateAsync(
            current => current is null ? (TableDocument.CreateEmpty(file.ClusterId), true) : (null, false),
            cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LogCreated(file.TablePath);
        }
    }

    /// <inheritdoc />
    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default) =>
        new MembershipTableFile(file.Directory, clusterId, lockTimeout).DeleteAsync(cancellationToken);

    /// <inheritdoc />
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        var cutOff = beforeDate.UtcDateTime;
        var removed = await file.UpdateAsync(current =>
        {
            if (current is null)
            {
                return (null, 0);
            }

            // As Orleans 10's providers do: Dead rows whose last update (start, heartbeat or
            // death vote) is older than the cut-off. The table version is left alone, as they
            // leave it: dropping long-dead rows is housekeeping, not a membership change.
            var count = current.Rows.RemoveAll(row => row.Status == SiloStatus.Dead && row.LastUpdatedUtc() < cutOff);
            return (count > 0 ? current : null, count);
        }, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            LogCleanedUp(removed, beforeDate);
        }
    }

    /// <inheritdoc />
    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var table = await ReadExistingAsync(cancellationToken).ConfigureAwait(false);
        var version = new TableVersion(table.Version, table.VersionEtag);
        var row = table.Find(key.ToParsableString());
        return row is null
            ? new MembershipTableData(version)
            : new MembershipTableData(Tuple.Create(row.ToEntry(), row.ETag), version);
    }

    /// <inheritdoc />
    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var table = await ReadExistingAsync(cancellationToken).ConfigureAwait(false);
        var rows = table.Rows.Select(row => Tuple.Create(row.ToEntry(), row.ETag)).ToList();
        return new MembershipTableData(rows, new TableVersion(table.Version, table.VersionEtag));
    }

    /// <inheritdoc />
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var key = entry.SiloAddress.ToParsableString();
        return file.UpdateAsync(current =>
        {
            var table = current ?? throw NotInitialized();
            if (table.Find(key) is not null || !string.Equals(table.VersionEtag, tableVersion.VersionEtag, StringComparison.Ordinal))
            {
                return (null, false);
            }

            table.Rows.Add(RowDocument.FromEntry(entry, ETags.New()));
            BumpVersion(table, tableVersion);
            return (table, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var key = entry.SiloAddress.ToParsableString();
        return file.UpdateAsync(current =>
        {
            var table = current ?? throw NotInitialized();
            var index = table.Rows.FindIndex(row => string.Equals(row.SiloAddress, key, StringComparison.Ordinal));
            if (index < 0
                || !string.Equals(table.Rows[index].ETag, etag, StringComparison.Ordinal)
                || !string.Equals(table.VersionEtag, tableVersion.VersionEtag, StringComparison.Ordinal))
            {
                return (null, false);
            }

            table.Rows[index] = RowDocument.FromEntry(entry, ETags.New());
            BumpVersion(table, tableVersion);
            return (table, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = entry.SiloAddress.ToParsableString();
        var found = await file.UpdateAsync(current =>
        {
            var row = (current ?? throw NotInitialized()).Find(key);
            if (row is null)
            {
                return (null, false);
            }

            // This field only; the row etag and the table version stay, so a status change
            // another silo prepared from an earlier read is not refused because of a heartbeat.
            row.IAmAliveTime = entry.IAmAliveTime;
            return (current, true);
        }, cancellationToken).ConfigureAwait(false);
        if (!found)
        {
            LogIAmAliveForMissingRow(entry.SiloAddress);
        }
    }

    // The caller chose the new version number (normally current + 1); the table stores it as
    // given, with a fresh etag so that every other holder of the old etag now fails.
    private static void BumpVersion(TableDocument table, TableVersion requested)
    {
        table.Version = requested.Version;
        table.VersionEtag = ETags.New();
    }

    private async Task<TableDocument> ReadExistingAsync(CancellationToken cancellationToken) =>
        await file.ReadAsync(cancellationToken).ConfigureAwait(false) ?? throw NotInitialized();

    private InvalidOperationException NotInitialized() => new(
        $"The membership table of cluster '{file.ClusterId}' does not exist at '{file.TablePath}'. "
        + "InitializeMembershipTable(true) creates it; was the clustering directory deleted while the cluster ran?");

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the membership table {TablePath}")]
    private partial void LogCreated(string tablePath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} Dead silo rows last updated before {BeforeDate}")]
    private partial void LogCleanedUp(int count, DateTimeOffset beforeDate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UpdateIAmAlive for {Silo}, which has no row in the membership table: ignored")]
    private partial void LogIAmAliveForMissingRow(SiloAddress silo);
}
