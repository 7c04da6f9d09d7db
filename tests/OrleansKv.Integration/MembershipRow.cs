namespace OrleansKv.Integration;

/// <summary>One silo generation's row in Orleans's Azure membership table, as the tests read it.</summary>
/// <param name="RowKey">The row's key (the silo's address, port and generation).</param>
/// <param name="SiloName">The silo's name (<c>SiloOptions.SiloName</c>).</param>
/// <param name="Status">Orleans's status name: Joining, Active, ShuttingDown, Stopping, Dead, ...</param>
/// <param name="SiloPort">The silo-to-silo port.</param>
/// <param name="GatewayPort">The gateway (proxy) port clients connect to.</param>
/// <param name="Generation">The generation the silo started with; a restart makes a new row with a larger one.</param>
internal sealed record MembershipRow(string RowKey, string SiloName, string Status, int SiloPort, int GatewayPort, int Generation)
{
    public bool IsActive => Status == "Active";
    public bool IsDead => Status == "Dead";
}
