using OrleansKv.Silo.Hosting;

namespace OrleansKv.Silo.Tests;

/// <summary>
/// Azure Table clustering by the account's service URI with the silo's managed identity, or by a
/// connection string. (Reaching a real account with a managed identity needs Azure; Azurite takes
/// only keys, so this is checked up to the client the silo builds.)
/// </summary>
public sealed class AzureTableClusteringSettingsTests
{
    private const string ServiceUri = "https://orleanskvtest.table.core.windows.net/";
    private const string ConnectionString = "DefaultEndpointsProtocol=https;AccountName=orleanskvtest;AccountKey=a2V5;EndpointSuffix=core.windows.net";

    [Fact]
    public void Azure_table_clustering_with_a_service_uri_alone_is_accepted_and_its_client_uses_that_endpoint()
    {
        var settings = Settings.Bind(("Silo:Clustering", "azuretable"), ("Silo:AzureTableServiceUri", ServiceUri));

        var client = AzureStorageClients.Table(settings);
        Assert.Equal(new Uri(ServiceUri), client.Uri);
        Assert.Equal("orleanskvtest", client.AccountName);
    }

    [Fact]
    public void Azure_table_clustering_with_a_connection_string_alone_is_accepted()
    {
        var settings = Settings.Bind(("Silo:Clustering", "azuretable"), ("Silo:AzureTableConnectionString", ConnectionString));

        Assert.Equal("orleanskvtest", AzureStorageClients.Table(settings).AccountName);
    }

    [Fact]
    public void With_both_the_service_uri_wins_so_no_key_is_used()
    {
        var settings = Settings.Bind(("Silo:Clustering", "azuretable"), ("Silo:AzureTableServiceUri", "https://keyless.table.core.windows.net/"),
            ("Silo:AzureTableConnectionString", ConnectionString));

        Assert.Equal("keyless", AzureStorageClients.Table(settings).AccountName);
    }

    [Fact]
    public void Azure_table_clustering_with_neither_is_refused_naming_both_settings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings.Bind(("Silo:Clustering", "azuretable")));
        Assert.Contains("Silo:AzureTableServiceUri", error.Message);
        Assert.Contains("Silo:AzureTableConnectionString", error.Message);
    }

    [Theory]
    [InlineData("orleanskvtest.table.core.windows.net")]
    [InlineData("ftp://orleanskvtest.table.core.windows.net/")]
    public void A_service_uri_that_is_not_an_http_url_is_refused(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings.Bind(("Silo:Clustering", "azuretable"), ("Silo:AzureTableServiceUri", value)));
        Assert.Contains("Silo:AzureTableServiceUri", error.Message);
    }
}
