using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Ingest;

/// <summary>The app with the browsers' endpoint set up as production would: an allowed site, a session key, a rate limit.</summary>
public sealed class FrontendIngestApp : IAsyncDisposable
{
    public const string AllowedOrigin = "https://app.tovplay.test";
    public const string SessionKey = "the key the TovPlay backend signs session tokens with";

    private FrontendIngestApp(TestDatabase database, TestApp app)
    {
        Database = database;
        App = app;
    }

    public TestDatabase Database { get; }

    public TestApp App { get; }

    public static FrontendIngestApp Start(TestDatabase database, int requestsPerSecond = 10_000, int burst = 10_000, params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Ingest:Frontend:AllowedOrigins:0"] = AllowedOrigin,
            ["Ingest:Frontend:SessionKey"] = SessionKey,
            ["Ingest:Frontend:RequestsPerSecond"] = requestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:Frontend:Burst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:Frontend:MaxEntries"] = "50",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = new TestApp(database.ConnectionString, all);
        _ = app.ServerAddress;
        return new FrontendIngestApp(database, app);
    }

    /// <summary>A POST as a page of <paramref name="origin"/> sends it (no cookie: the endpoint needs none).</summary>
    public async Task<HttpResponseMessage> PostAsync(string body, string? origin = AllowedOrigin, string contentType = "application/json",
        IEnumerable<(string Name, string Value)>? headers = null, HttpClient? client = null)
    {
        using var own = client is null ? new HttpClient { BaseAddress = App.AppUri } : null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest/frontend") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await (client ?? own!).SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The stored frontend lines holding <paramref name="marker"/>, with their stream's labels, read from the store's chunks.</summary>
    public async Task<List<(string Labels, string Line)>> StoredAsync(string marker) =>
        [.. (await StoredLines.ReadAsync(Database, "%tovplay-frontend%")).Where(e => e.Entry.Line.Contains(marker, StringComparison.Ordinal)).Select(e => (e.Labels, e.Entry.Line))];

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
