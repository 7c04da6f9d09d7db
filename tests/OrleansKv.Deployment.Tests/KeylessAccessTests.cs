using Orleans.Clustering.AzureStorage;
using OrleansKv.Silo.Configuration;

namespace OrleansKv.Deployment.Tests;

/// <summary>
/// No account key, connection string or password anywhere: the storage account refuses shared
/// keys, the registry has no admin user, and the silos' managed identity holds exactly the roles
/// it needs.
/// </summary>
public sealed class KeylessAccessTests
{
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    [Fact]
    public async Task The_storage_account_refuses_shared_key_access()
    {
        var account = (await CompiledTemplate.LoadAsync()).Single("Microsoft.Storage/storageAccounts");
        Assert.False(account.Properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(account.Properties.GetProperty("allowBlobPublicAccess").GetBoolean());
    }

    [Theory]
    [InlineData("listKeys")]
    [InlineData("listSecrets")]
    [InlineData("connectionString")]
    [InlineData("AccountKey")]
    [InlineData("primarySharedKey")]
    [InlineData("password")]
    public async Task The_compiled_template_mentions_no_key_connection_string_or_password(string word)
    {
        var template = await CompiledTemplate.LoadAsync();
        Assert.DoesNotContain(word, template.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_silo_identity_is_given_table_blob_and_image_pull_roles()
    {
        var template = await CompiledTemplate.LoadAsync();
        var assigned = template.OfType("Microsoft.Authorization/roleAssignments")
            .Select(a => a.ResolveVariables(a.Properties.GetProperty("roleDefinitionId").GetString()!))
            .ToList();
        Assert.Equal(3, assigned.Count);
        Assert.Single(assigned, r => r.Contains(StorageTableDataContributor));
        Assert.Single(assigned, r => r.Contains(StorageBlobDataContributor));
        Assert.Single(assigned, r => r.Contains(AcrPull));
        Assert.All(template.OfType("Microsoft.Authorization/roleAssignments"),
            a => Assert.Equal("ServicePrincipal", a.Properties.GetProperty("principalType").GetString()));
    }

    [Fact]
    public async Task The_registry_has_no_admin_user()
    {
        var registry = (await CompiledTemplate.LoadAsync()).Single("Microsoft.ContainerRegistry/registries");
        Assert.False(registry.Properties.GetProperty("adminUserEnabled").GetBoolean());
    }

    [Fact]
    public async Task The_storage_account_holds_the_membership_table_and_grain_state_container_the_silo_uses_by_default()
    {
        var template = await CompiledTemplate.LoadAsync();
        var storage = template.Single("Microsoft.Storage/storageAccounts");
        var parameters = storage.Template.GetProperty("parameters");
        Assert.Equal(AzureStorageClusteringOptions.DEFAULT_TABLE_NAME, parameters.GetProperty("membershipTableName").GetProperty("defaultValue").GetString());
        Assert.Equal(new SiloSettings().AzureBlobContainer, parameters.GetProperty("grainStateContainerName").GetProperty("defaultValue").GetString());
        template.Single("Microsoft.Storage/storageAccounts/tableServices/tables");
        var container = template.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Equal("None", container.Properties.GetProperty("publicAccess").GetString());
    }
}
