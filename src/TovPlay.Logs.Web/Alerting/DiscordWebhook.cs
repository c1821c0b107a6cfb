using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>What Discord answered to one POST: its status and body, and how long it asked to wait.</summary>
public sealed record DiscordAnswer(int Status, string? Body, string? Error, TimeSpan? RetryAfter, TimeSpan? RateLimitResetAfter)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>One POST to a Discord webhook, reading the rate-limit headers and body Discord sends.</summary>
public static class DiscordWebhook
{
    public static async Task<DiscordAnswer> PostAsync(HttpClient client, string url, string payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            // wait=true: Discord answers with the message it created, which the dead-letter list and Send test show.
            var address = url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "wait=true";
            using var content = new StringContent(payload, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(address, content, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            return new DiscordAnswer((int)response.StatusCode, body.Length > 4000 ? body[..4000] : body, null, RetryAfter(response, body), ResetAfter(response));
        }
        catch (HttpRequestException ex)
        {
            return new DiscordAnswer(0, null, "Discord could not be reached: " + ex.Message, null, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DiscordAnswer(0, null, $"Discord did not answer within {timeout.TotalSeconds:0} s", null, null);
        }
    }

    /// <summary>Discord's 429 body says <c>retry_after</c> in seconds (fractions allowed); the Retry-After header is the fallback.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, string body)
    {
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return null;
        }

        try
        {
            if (JsonDocument.Parse(body).RootElement.TryGetProperty("retry_after", out var value) && value.TryGetDouble(out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, 3600));
            }
        }
        catch (JsonException)
        {
        }

        return response.Headers.RetryAfter?.Delta is { } delta ? delta
            : response.Headers.TryGetValues("Retry-After", out var values) && double.TryParse(values.First(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s)
            : null;
    }

    /// <summary>When the bucket is empty (<c>X-RateLimit-Remaining: 0</c>): how long until it refills.</summary>
    private static TimeSpan? ResetAfter(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-RateLimit-Remaining", out var remaining) && remaining.First() == "0"
            && response.Headers.TryGetValues("X-RateLimit-Reset-After", out var reset)
            && double.TryParse(reset.First(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, 3600))
            : null;
}
