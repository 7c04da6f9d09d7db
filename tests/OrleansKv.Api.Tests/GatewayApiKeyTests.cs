using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansKv.Api.Tests;

/// <summary>What a configured API key must be, checked when the gateway is set up.</summary>
public sealed class GatewayApiKeyTests
{
    [Fact]
    public void A_key_shorter_than_16_characters_is_refused_when_the_gateway_is_set_up_and_the_message_does_not_show_it()
    {
        const string key = "fifteen-chars-x";
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddKvApi(new KvApiOptions { ApiKey = key }));
        Assert.Contains("at least 16", error.Message);
        Assert.DoesNotContain(key, error.Message);
    }

    [Theory]
    [InlineData("sixteen chars ok")]
    [InlineData("sixteen-chars-ok\t")]
    [InlineData("sixteen-chars-\u00e9k")]
    public void A_key_with_whitespace_or_characters_beyond_ASCII_is_refused(string key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayApiKey.Validate(key, "the test's key"));
        Assert.StartsWith("the test's key ", error.Message);
        Assert.DoesNotContain(key, error.Message);
    }

    [Fact]
    public void A_key_of_16_visible_ASCII_characters_is_accepted()
    {
        GatewayApiKey.Validate("sixteen-chars-ok", "the test's key");
        GatewayApiKey.Validate("!\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~", "the test's key");
    }

    [Fact]
    public async Task A_key_cannot_be_mapped_on_a_route_group_where_the_check_would_not_run()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddKvApi(new KvApiOptions { ApiKey = "sixteen-chars-ok" });
        await using var app = builder.Build();
        Assert.Throws<InvalidOperationException>(() => app.MapGroup("/kv").MapKvApi());
    }
}
