using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>Speaks the Loki HTTP API to the app as a machine client does, with an API key.</summary>
public sealed class LokiPushClient : IDisposable
{
    public LokiPushClient(TestApp app, string? token)
    {
        Http = new HttpClient { BaseAddress = new Uri(app.AppUri, "loki/api/v1/") };
        if (token is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public HttpClient Http { get; }

    public static long NowNs => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static string PushBody(IReadOnlyDictionary<string, string> labels, params (long Ts, string Line)[] entries) =>
        JsonSerializer.Serialize(new
        {
            streams = new[] { new { stream = labels, values = entries.Select(e => new[] { e.Ts.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Line }) } },
        });

    public Task<HttpResponseMessage> PushJsonAsync(string body) =>
        Http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public async Task PushAsync(IReadOnlyDictionary<string, string> labels, params (long Ts, string Line)[] entries)
    {
        using var response = await PushJsonAsync(PushBody(labels, entries));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.NoContent, $"push answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<(int Status, string Body)> GetAsync(string pathAndQuery)
    {
        using var response = await Http.GetAsync(pathAndQuery, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async Task<JsonElement> GetJsonAsync(string pathAndQuery)
    {
        var (status, body) = await GetAsync(pathAndQuery);
        Assert.True(status == 200, $"GET {pathAndQuery} answered {status}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static string Q(string value) => Uri.EscapeDataString(value);

    public void Dispose() => Http.Dispose();
}
