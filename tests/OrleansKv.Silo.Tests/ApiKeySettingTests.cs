namespace OrleansKv.Silo.Tests;

/// <summary>Silo:ApiKey, the key of the silo's HTTP gateway, as the silo reads it at start.</summary>
public sealed class ApiKeySettingTests
{
    [Fact]
    public void No_key_is_the_default()
    {
        Assert.Equal("", Settings.Bind().ApiKey);
    }

    [Fact]
    public void A_key_of_at_least_16_characters_is_accepted()
    {
        Assert.Equal("a-key-of-16-char", Settings.Bind(("Silo:ApiKey", "a-key-of-16-char")).ApiKey);
    }

    [Fact]
    public void A_shorter_key_is_refused_with_a_message_that_names_the_setting_but_not_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings.Bind(("Silo:ApiKey", "too-short-key")));
        Assert.StartsWith("Silo:ApiKey is 13 characters long", error.Message);
        Assert.DoesNotContain("too-short-key", error.Message);
    }
}
