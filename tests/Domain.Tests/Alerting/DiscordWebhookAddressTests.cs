using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Domain.Tests.Alerting;

public sealed class DiscordWebhookAddressTests
{
    private const string Token = "abcDEF123_-abcDEF123_-abcDEF123_-abcDEF123_-abcDEF123_-abcDEF12345";

    [Theory]
    [InlineData("https://discord.com/api/webhooks/123456789012345678/" + Token)]
    [InlineData("https://discordapp.com/api/webhooks/123456789012345678/" + Token)]
    [InlineData("https://canary.discord.com/api/v10/webhooks/123456789012345678/" + Token)]
    [InlineData("https://discord.com/api/webhooks/123456789012345678/" + Token + "?thread_id=223456789012345678")]
    public void DiscordsForms_AreAccepted(string url) => Assert.Null(DiscordWebhookAddress.Problem(url, []));

    [Theory]
    [InlineData("", "Paste the webhook URL")]
    [InlineData("discord.com/api/webhooks/1/x", "not a web address")]
    [InlineData("http://discord.com/api/webhooks/123456789012345678/" + Token, "Discord's webhooks are called over https")]
    [InlineData("https://discord.com:8443/api/webhooks/123456789012345678/" + Token, "have no port: remove :8443")]
    [InlineData("https://evil.example/api/webhooks/123456789012345678/" + Token, "evil.example is not one of them")]
    [InlineData("https://discord.com.evil.example/api/webhooks/123456789012345678/" + Token, "is not one of them")]
    [InlineData("https://user:pw@discord.com/api/webhooks/123456789012345678/" + Token, "no user name")]
    [InlineData("https://discord.com/api/channels/123456789012345678/messages", "The path should be")]
    [InlineData("https://discord.com/api/webhooks/123456789012345678/" + Token + "?wait=false&x=1", "Only a thread_id")]
    public void OtherAddresses_AreRefused_WithTheReason(string url, string reason) =>
        Assert.Contains(reason, DiscordWebhookAddress.Problem(url, []), StringComparison.Ordinal);

    [Fact]
    public void AnAllowListedHost_MayBeALocalFake_OverHttp_ButOnlyOnItsPort()
    {
        var url = "http://127.0.0.1:9911/api/webhooks/123456789012345678/" + Token;

        Assert.Null(DiscordWebhookAddress.Problem(url, ["127.0.0.1:9911"]));
        Assert.Contains("127.0.0.1:9911 is not one of them and is not allow-listed", DiscordWebhookAddress.Problem(url, ["127.0.0.1:9912"]), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1:9911/…/webhooks/123456789012345678/••••••", DiscordWebhookAddress.Hint(url));
    }
}
