using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>
/// A Discord webhook URL, checked against the forms Discord hands out (<c>https://discord.com/api/webhooks/ID/TOKEN</c>,
/// also on discordapp.com, ptb. and canary., with an API version or a thread id). Hosts outside Discord's are refused
/// unless the operator allow-listed them (a local fake in tests, a relay): no other host is ever called.
/// </summary>
public static partial class DiscordWebhookAddress
{
    public static readonly IReadOnlySet<string> DiscordHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com", "ptb.discordapp.com", "canary.discordapp.com",
    };

    /// <param name="allowedHosts">Extra hosts, as <c>host</c> or <c>host:port</c>; http is accepted only for them.</param>
    public static string? Problem(string? url, IReadOnlyCollection<string> allowedHosts)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Paste the webhook URL from Discord (channel settings → Integrations → Webhooks → Copy Webhook URL).";
        }

        if (url.Length > 2000 || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "That is not a web address: it should start with https://discord.com/api/webhooks/.";
        }

        var allowListed = allowedHosts.Any(h => string.Equals(h, uri.Authority, StringComparison.OrdinalIgnoreCase)
            || (!h.Contains(':', StringComparison.Ordinal) && string.Equals(h, uri.Host, StringComparison.OrdinalIgnoreCase)));
        if (!allowListed && DiscordHosts.Contains(uri.Host) && uri.Scheme != "https")
        {
            return "Discord's webhooks are called over https: the address should start with https://.";
        }

        if (!allowListed && DiscordHosts.Contains(uri.Host) && !uri.IsDefaultPort)
        {
            return $"Discord's webhooks have no port: remove :{uri.Port}.";
        }

        if (!allowListed && !DiscordHosts.Contains(uri.Host))
        {
            return $"Only Discord's webhook addresses are called (https on {string.Join(", ", DiscordHosts.Order(StringComparer.Ordinal))}); {uri.Authority} is not one of them and is not allow-listed in Alerting:WebhookHosts.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "A webhook URL carries no user name or password.";
        }

        if (!PathForm().IsMatch(uri.AbsolutePath))
        {
            return "The path should be /api/webhooks/<webhook id>/<token>, as Discord's Copy Webhook URL gives it.";
        }

        if (uri.Query.Length > 0 && !QueryForm().IsMatch(uri.Query))
        {
            return "Only a thread_id (digits) may follow the address.";
        }

        return null;
    }

    /// <summary>What the form shows of a stored address: host and webhook id, never the token.</summary>
    public static string Hint(string url)
    {
        var uri = new Uri(url.Trim());
        var match = PathForm().Match(uri.AbsolutePath);
        return match.Success ? $"{uri.Authority}/…/webhooks/{match.Groups["id"].Value}/••••••" : uri.Authority + "/••••••";
    }

    [GeneratedRegex(@"^/api(?:/v\d{1,2})?/webhooks/(?<id>\d{15,21})/[A-Za-z0-9_\-]{20,200}/?$")]
    private static partial Regex PathForm();

    [GeneratedRegex(@"^\?(?:thread_id=\d{15,21})$")]
    private static partial Regex QueryForm();
}
