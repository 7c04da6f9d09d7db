namespace OrleansKv.Integration;

/// <summary>What a silo started here has instead of Azure: its free ports, Azurite and the key the test generated.</summary>
internal sealed record LocalSilo(int SiloPort, int GatewayPort, int HttpPort, string AzuriteConnectionString, string ApiKey)
{
    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";
}
