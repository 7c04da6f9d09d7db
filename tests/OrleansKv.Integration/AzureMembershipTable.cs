using System.Globalization;
using Azure.Data.Tables;

namespace OrleansKv.Integration;

/// <summary>
/// Reads what Orleans's Azure Table clustering wrote for one cluster: the provider's table holds a
/// partition per cluster id, with a row per silo generation and one version row.
/// </summary>
internal sealed class AzureMembershipTable(string connectionString, string clusterId)
{
    // The table Microsoft.Orleans.Clustering.AzureStorage uses unless configured otherwise.
    private const string TableName = "OrleansSiloInstances";
    private const string VersionRowKey = "VersionRow";

    private readonly TableClient _table = new TableServiceClient(connectionString).GetTableClient(TableName);

    /// <summary>Every silo row of the cluster, in no particular order.</summary>
    public async Task<IReadOnlyList<MembershipRow>> ReadSilosAsync()
    {
        var rows = new List<MembershipRow>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}")))
        {
            if (entity.RowKey == VersionRowKey) continue;
            rows.Add(new MembershipRow(
                entity.RowKey,
                Text(entity, "SiloName"),
                Text(entity, "Status"),
                Number(entity, "Port"),
                Number(entity, "ProxyPort"),
                Number(entity, "Generation")));
        }
        return rows;
    }

    private static string Text(TableEntity entity, string column) =>
        entity.TryGetValue(column, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture)! : "";

    private static int Number(TableEntity entity, string column) =>
        int.TryParse(Text(entity, column), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : -1;
}
