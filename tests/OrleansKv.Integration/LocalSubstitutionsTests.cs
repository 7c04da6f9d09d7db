using Xunit.Sdk;

namespace OrleansKv.Integration;

/// <summary>
/// The substitution table's guard, on made-up templates: a variable added to infra/ reaches the
/// silo unchanged or stops the test, and a table entry the template no longer has stops it too.
/// </summary>
public sealed class LocalSubstitutionsTests
{
    private static readonly LocalSilo Local = new(1001, 1002, 1003, "UseDevelopmentStorage=true", "0123456789abcdef0123");

    // Every variable the table replaces, as the template might declare it.
    private static List<TemplateVariable> TemplateWithTheTablesVariables() =>
        [.. LocalSubstitutions.Table.Keys.Select(name => new TemplateVariable(name, "[parameters('x')]", null, "x cannot be evaluated without Azure"))];

    [Fact]
    public void A_new_template_variable_that_can_be_evaluated_reaches_the_silo_unchanged()
    {
        var template = TemplateWithTheTablesVariables();
        template.Add(new TemplateVariable("Silo__SnapshotEveryEntries", "[string(parameters('snapshots'))]", "5000", null));

        var environment = LocalSubstitutions.Apply(template, [("DOTNET_GCgen0size", "0x800000")], Local);

        Assert.Equal("5000", environment["Silo__SnapshotEveryEntries"]);
        Assert.Equal("0x800000", environment["DOTNET_GCgen0size"]);
        Assert.Equal("http://127.0.0.1:1003", environment["Silo__HttpUrl"]);
        Assert.DoesNotContain("AZURE_CLIENT_ID", environment.Keys);
    }

    [Fact]
    public void A_new_template_variable_that_only_Azure_can_evaluate_stops_the_test_until_the_table_says_what_replaces_it()
    {
        var template = TemplateWithTheTablesVariables();
        template.Add(new TemplateVariable("Silo__Region", "[parameters('location')]", null, "the parameter location, which has no default, cannot be evaluated without Azure"));

        var refused = Assert.ThrowsAny<XunitException>(() => LocalSubstitutions.Apply(template, [], Local));
        Assert.Contains("Silo__Region", refused.Message);
    }

    [Fact]
    public void A_table_entry_for_a_variable_the_template_no_longer_gives_stops_the_test()
    {
        var template = TemplateWithTheTablesVariables().Where(v => v.Name != "Silo__AdvertisedHost").ToList();

        var refused = Assert.ThrowsAny<XunitException>(() => LocalSubstitutions.Apply(template, [], Local));
        Assert.Contains("Silo__AdvertisedHost", refused.Message);
    }

    [Fact]
    public void A_replacement_may_not_override_a_variable_the_template_sets_itself()
    {
        var template = TemplateWithTheTablesVariables();
        template.Add(new TemplateVariable("Silo__Address", "auto", "auto", null));

        var refused = Assert.ThrowsAny<XunitException>(() => LocalSubstitutions.Apply(template, [], Local));
        Assert.Contains("Silo__Address", refused.Message);
    }
}
