using System.Net;
using System.Text.Json;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LokiApi;

/// <summary>
/// The read side of the Loki API over the embedded store: shapes and timestamp formats as Loki 2.8 writes them, and its
/// error texts word for word where a recorded response holds them.
/// </summary>
public sealed class QueryApiTests(WebAppFixture fixture)
{
    private static readonly string s_loki = Path.Combine(AppContext.BaseDirectory, "fixtures", "loki-2.8.0");

    private static string Recorded(string name) => File.ReadAllText(Path.Combine(s_loki, name));

    private static string Q(string value) => LokiPushClient.Q(value);

    /// <summary>60 lines, one a minute up to now, in two level streams of a fresh run.</summary>
    private async Task<(LokiPushClient Client, string Run, long First, long Last)> SeedAsync()
    {
        var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs / 60_000_000_000 * 60_000_000_000;
        var first = now - 59 * 60_000_000_000L;
        foreach (var level in new[] { "info", "error" })
        {
            var entries = Enumerable.Range(0, 60).Where(i => (i % 4 == 0) == (level == "error"))
                .Select(i => (first + i * 60_000_000_000L, $$"""{"level":"{{level}}","action":"{{(i % 3 == 0 ? "DELETE" : "POST")}}","duration_ms":{{i * 10}},"msg":"line {{i}}"}"""))
                .ToArray();
            await client.PushAsync(new Dictionary<string, string> { ["job"] = "tovplay-backend", ["level"] = level, ["run"] = run }, entries);
        }

        return (client, run, first, first + 59 * 60_000_000_000L);
    }

    [Fact]
    public async Task QueryRange_Backward_NewestFirstAndLimited()
    {
        var (client, run, _, last) = await SeedAsync();
        using var owned = client;

        var json = await client.GetJsonAsync($"query_range?query={Q($"{{run=\"{run}\"}}")}&limit=3");

        var values = json.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray()).Select(v => long.Parse(v[0].GetString()!)).OrderDescending().ToList();
        Assert.Equal([last, last - 60_000_000_000, last - 120_000_000_000], values);
    }

    [Fact]
    public async Task QueryRange_JsonFilter_KeepsMatchingLinesWithExtractedLabels()
    {
        var (client, run, first, last) = await SeedAsync();
        using var owned = client;

        var json = await client.GetJsonAsync($"query_range?query={Q($"{{run=\"{run}\"}} | json | action=\"DELETE\" | duration_ms > 300")}&start={first}&end={last + 1}&limit=100");

        var streams = json.GetProperty("data").GetProperty("result").EnumerateArray().ToList();
        var count = streams.Sum(s => s.GetProperty("values").GetArrayLength());
        Assert.Equal(Enumerable.Range(0, 60).Count(i => i % 3 == 0 && i * 10 > 300), count);
        Assert.All(streams, s => Assert.Equal("DELETE", s.GetProperty("stream").GetProperty("action").GetString()));
        Assert.Contains(streams, s => s.GetProperty("stream").TryGetProperty("level_extracted", out _));
    }

    [Fact]
    public async Task QueryRange_Metric_IsAMatrixWithSecondsAndStringValues()
    {
        var (client, run, first, last) = await SeedAsync();
        using var owned = client;

        var json = await client.GetJsonAsync($"query_range?query={Q($"sum by (level) (count_over_time({{run=\"{run}\"}}[10m]))")}&start={first}&end={last}&step=600");

        var data = json.GetProperty("data");
        Assert.Equal("matrix", data.GetProperty("resultType").GetString());
        var error = data.GetProperty("result").EnumerateArray().Single(s => s.GetProperty("metric").GetProperty("level").GetString() == "error");
        var point = error.GetProperty("values")[1];
        Assert.Equal(JsonValueKind.Number, point[0].ValueKind);
        Assert.Equal(JsonValueKind.String, point[1].ValueKind);

        // On Loki's step grid (multiples of 600 s) whatever the start; the window is (t - 10m, t], and every fourth line
        // (one a minute from the first) is an error.
        var t = point[0].GetInt64();
        Assert.Equal(0, t % 600);
        Assert.InRange(t, (first / 1_000_000_000) + 1, (first / 1_000_000_000) + 1200);
        var errors = Enumerable.Range(0, 60).Where(i => i % 4 == 0).Select(i => (first / 1_000_000_000) + (i * 60));
        Assert.Equal(errors.Count(x => x > t - 600 && x <= t).ToString(), point[1].GetString());
    }

    [Fact]
    public async Task Query_InstantMetric_IsAVector_AndNumbersAloneAScalar_NotLokis500()
    {
        var (client, run, _, last) = await SeedAsync();
        using var owned = client;
        var time = last + 500_000_000;

        var json = await client.GetJsonAsync($"query?query={Q($"sum(count_over_time({{run=\"{run}\"}}[1h]))")}&time={time}");
        var sum = await client.GetJsonAsync($"query?query={Q("1+1")}&time={time}");
        var comparison = await client.GetJsonAsync($"query?query={Q("1 > 1")}&time={time}");

        Assert.Equal("vector", json.GetProperty("data").GetProperty("resultType").GetString());
        var value = Assert.Single(json.GetProperty("data").GetProperty("result").EnumerateArray()).GetProperty("value");
        Assert.Equal(time / 1_000_000 / 1000.0, value[0].GetDouble());
        Assert.Equal("60", value[1].GetString());

        // Loki 2.8 answers these with a 500 (tests/Fixtures/loki-2.8.0/query_instant_scalar): a valid query is not a
        // server error, so they answer Prometheus' scalar, [time, "value"].
        Assert.Equal("scalar", sum.GetProperty("data").GetProperty("resultType").GetString());
        Assert.Equal(time / 1_000_000 / 1000.0, sum.GetProperty("data").GetProperty("result")[0].GetDouble());
        Assert.Equal("2", sum.GetProperty("data").GetProperty("result")[1].GetString());
        Assert.Equal("0", comparison.GetProperty("data").GetProperty("result")[1].GetString());
    }

    [Fact]
    public async Task LabelsValuesAndSeries_DescribeTheStoredStreams()
    {
        var (client, run, first, last) = await SeedAsync();
        using var owned = client;
        var window = $"start={first}&end={last}";

        var labels = await client.GetJsonAsync($"labels?{window}");
        var values = await client.GetJsonAsync($"label/level/values?{window}");
        var unknown = await client.GetAsync($"label/nosuchlabel/values?{window}");
        var series = await client.GetJsonAsync($"series?match[]={Q($"{{run=\"{run}\"}}")}&{window}");
        using var posted = await client.Http.PostAsync("series", new FormUrlEncodedContent([new("match[]", $"{{run=\"{run}\", level=\"error\"}}"), new("start", $"{first}"), new("end", $"{last}")]), TestContext.Current.CancellationToken);

        Assert.Superset(new HashSet<string> { "job", "level", "run" }, labels.GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToHashSet());
        Assert.Superset(new HashSet<string> { "error", "info" }, values.GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToHashSet());
        Assert.Equal((200, Recorded("label_values_unknown.json")), unknown);
        Assert.Equal(2, series.GetProperty("data").GetArrayLength());
        var postedSeries = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("data");
        Assert.Equal("error", Assert.Single(postedSeries.EnumerateArray()).GetProperty("level").GetString());
    }

    [Fact]
    public async Task FormatQuery_PrintsTheCanonicalForm()
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());

        var json = await client.GetJsonAsync($"format_query?query={Q("{job=\"a\",level=~\"e.*\"}|=\"x\"|json")}");

        Assert.Equal("{job=\"a\", level=~\"e.*\"} |= \"x\" | json", json.GetProperty("data").GetString());
    }

    public static TheoryData<string, string> RecordedErrors => new()
    {
        { "query_range?query={job=\"tovplay-backend\"} | json | action==&start=1795715735179651328&end=1795716638296311040", "error_syntax.json" },
        { "query_range?query={job=\"tovplay-backend\"&start=1795715735179651328&end=1795716638296311040", "error_syntax_unclosed_selector.json" },
        { "query_range?start=1795715735179651328&end=1795716638296311040", "error_missing_query.json" },
        { "query_range?query={job=\"tovplay-backend\"}&start=yesterday&end=1795716638296311040", "error_bad_start.json" },
        { "query_range?query={job=\"tovplay-backend\"}&start=1795716638296311040&end=1795715735179651328", "error_end_before_start.json" },
        { "query_range?query={job=\"tovplay-backend\"}&start=1795715735179651328&end=1795716638296311040&limit=10000", "error_limit_exceeds_max_entries.json" },
        { "query_range?query=count_over_time({job=\"tovplay-backend\"}[1m])&start=1795543835179651328&end=1795716638296311040&step=1", "error_too_many_points.json" },
    };

    [Theory]
    [MemberData(nameof(RecordedErrors))]
    public async Task BadRequest_AnswersLokisRecordedText(string request, string recorded)
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());
        var question = request.IndexOf('?', StringComparison.Ordinal);
        var query = string.Join("&", request[(question + 1)..].Split('&').Select(p => p.Split('=', 2)).Select(p => $"{p[0]}={Q(p[1])}"));

        using var response = await client.Http.GetAsync($"{request[..question]}?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Recorded(recorded), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task QueryLongerThan721Hours_IsRefusedWithLokisText()
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());
        var end = LokiPushClient.NowNs;
        var start = end - (long)TimeSpan.FromHours(744).TotalNanoseconds;

        var (status, body) = await client.GetAsync($"query_range?query={Q("{job=\"x\"}")}&start={start}&end={end}");

        Assert.Equal(400, status);
        Assert.Equal("the query time range exceeds the limit (query length: 744h0m0s, limit: 721h0m0s)", body);
    }

    [Fact]
    public async Task TooManySeriesAndTimeout_AnswerLokisTexts()
    {
        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["LogSource:MaxSeries"] = "1",
        });
        await using var slow = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?>
        {
            // A millisecond, and no head: reading hundreds of streams from the database takes longer than that.
            ["LogSource:QueryTimeout"] = "00:00:00.001",
            ["LogStore:HeadMegabytes"] = "0",
        });
        var token = await fixture.CreateApiKeyAsync();
        using var client = new LokiPushClient(app, token);
        using var slowClient = new LokiPushClient(slow, token);
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "series-limit", ["level"] = "a" }, (LokiPushClient.NowNs, "a"));
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "series-limit", ["level"] = "b" }, (LokiPushClient.NowNs, "b"));
        for (var i = 0; i < 20; i++)
        {
            await client.PushAsync(new Dictionary<string, string> { ["job"] = "timeout", ["n"] = $"{i}" }, (LokiPushClient.NowNs, "one of many streams"));
        }

        var (status, body) = await client.GetAsync($"query?query={Q("count_over_time({job=\"series-limit\"}[1h])")}");
        var (slowStatus, slowBody) = await slowClient.GetAsync($"query_range?query={Q("{job=~\".+\"} |~ \"(a|b)+c\"")}&limit=5000&start={LokiPushClient.NowNs - (long)TimeSpan.FromDays(6).TotalNanoseconds}");

        Assert.Equal((400, "maximum of series (1) reached for a single query"), (status, body));
        Assert.Equal(504, slowStatus);
        Assert.StartsWith("request timed out, decrease the duration of the request", slowBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WithoutKeyOrSession_Is401_WithPushOnlyKey_Is403_AsSignedInViewer_Is200()
    {
        using var anonymous = new LokiPushClient(fixture.App, null);
        using var pushOnly = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync(push: true, read: false));
        using var viewer = await SignInClient.SignedInAsync(fixture.App, await fixture.CreateUserAsync(Domain.Security.AppRoles.Viewer));

        Assert.Equal(401, (await anonymous.GetAsync("labels")).Status);
        Assert.Equal(403, (await pushOnly.GetAsync("labels")).Status);
        using var response = await viewer.GetAsync("loki/api/v1/labels", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
