using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Search;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Search;

/// <summary>The export download over real HTTP, and the paged read under it against the embedded store.</summary>
public sealed class SearchExportTests(WebAppFixture fixture)
{
    private static string Q(string value) => LokiPushClient.Q(value);

    /// <summary>Pushes <paramref name="count"/> lines a second apart ending a minute ago, three of them sharing one nanosecond.</summary>
    private async Task<(string Run, long First)> SeedAsync(int count, string? oddLine = null)
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());
        var run = Guid.NewGuid().ToString("N")[..12];
        var first = LokiPushClient.NowNs - (count + 60) * 1_000_000_000L;
        var entries = Enumerable.Range(0, count).Select(i => (first + i * 1_000_000_000L, i == 0 && oddLine is not null ? oddLine : $"line {i:D3}")).ToList();
        // Three entries in one nanosecond, which a page may split.
        entries.Add((first + 5 * 1_000_000_000L, "twin a"));
        entries.Add((first + 5 * 1_000_000_000L, "twin b"));
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "tovplay-backend", ["run"] = run }, [.. entries]);
        return (run, first);
    }

    private async Task<HttpClient> ReaderAsync()
    {
        var http = new HttpClient { BaseAddress = fixture.App.AppUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await fixture.CreateApiKeyAsync(push: false, read: true));
        return http;
    }

    [Theory]
    [InlineData(Direction.Backward)]
    [InlineData(Direction.Forward)]
    public async Task ReadAsync_PagesSmallerThanTheResult_GiveEveryLineOnceInOrder(Direction direction)
    {
        var (run, first) = await SeedAsync(40);
        var source = fixture.App.Services.GetRequiredService<ILogSource>();
        var end = LokiPushClient.NowNs;

        var lines = new List<string>();
        await foreach (var line in ResultLines.ReadAsync(source, $"{{run=\"{run}\"}}", first, end, direction, total: 1000, pageSize: 4, TestContext.Current.CancellationToken))
        {
            lines.Add(line.Line);
        }

        Assert.Equal(42, lines.Count);
        Assert.Equal(42, lines.Distinct().Count());
        var numbered = lines.Where(l => l.StartsWith("line", StringComparison.Ordinal)).ToList();
        Assert.Equal(direction == Direction.Forward ? numbered.Order() : numbered.OrderDescending(), numbered);
    }

    [Fact]
    public async Task ReadAsync_Total_StopsThere()
    {
        var (run, first) = await SeedAsync(40);
        var source = fixture.App.Services.GetRequiredService<ILogSource>();

        var count = 0;
        await foreach (var _ in ResultLines.ReadAsync(source, $"{{run=\"{run}\"}}", first, LokiPushClient.NowNs, Direction.Backward, total: 9, pageSize: 4, TestContext.Current.CancellationToken))
        {
            count++;
        }

        Assert.Equal(9, count);
    }

    [Fact]
    public async Task Export_Csv_IsADownloadWithFormulasDefused_AndIsAudited()
    {
        var (run, _) = await SeedAsync(3, oddLine: "=HYPERLINK(\"http://evil.example\")");
        using var http = await ReaderAsync();

        using var response = await http.GetAsync($"api/search/export?format=csv&query={Q($"{{run=\"{run}\"}}")}&from=now-1h&to=now&direction=forward", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches("^attachment; filename=\"tovplay-logs-\\d{8}T\\d{6}Z\\.csv\"$", response.Content.Headers.ContentDisposition?.ToString());
        var rows = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("time,timestamp_ns,labels,line", rows[0]);
        Assert.Equal(6, rows.Length);
        Assert.EndsWith(",\"'=HYPERLINK(\"\"http://evil.example\"\")\"", rows[1]);
        Assert.Contains(rows, r => r.EndsWith(",twin b", StringComparison.Ordinal));
        var audit = await AuditRows.ForTargetAsync(fixture.Database, $"{{run=\"{run}\"}}");
        Assert.Equal("logs.exported", Assert.Single(audit).Action);
    }

    [Fact]
    public async Task Export_Ndjson_OneObjectPerLine()
    {
        var (run, _) = await SeedAsync(10);
        using var http = await ReaderAsync();

        var body = await http.GetStringAsync($"api/search/export?format=ndjson&query={Q($"{{run=\"{run}\"}}")}&limit=2", TestContext.Current.CancellationToken);

        var records = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => JsonDocument.Parse(r).RootElement).ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal("line 009", records[0].GetProperty("line").GetString());
        Assert.Equal(run, records[0].GetProperty("labels").GetProperty("run").GetString());
    }

    [Theory]
    [InlineData("format=xml&query={job=\"a\"}", "format: must be csv or ndjson.")]
    [InlineData("query=", "query: required.")]
    [InlineData("query={job=\"a\"} |= ", "query: parse error at line 1, col ")]
    [InlineData("query=count_over_time({job=\"a\"}[1m])", "query: only log queries export as lines")]
    [InlineData("query={job=\"a\"}&from=yesterday", "From: 'yesterday' is not a time.")]
    [InlineData("query={job=\"a\"}&direction=up", "direction: must be backward or forward.")]
    [InlineData("query={job=\"a\"}&limit=100001", "limit: must be a whole number from 1 to 100000.")]
    public async Task Export_BadInput_Is400WithTheReason(string parameters, string reason)
    {
        using var http = await ReaderAsync();

        using var response = await http.GetAsync("api/search/export?" + string.Join('&', parameters.Split('&').Select(p => p.Split('=', 2) is [var k, var v] ? k + "=" + Q(v) : p)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(reason, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Export_WithoutCredentials_IsRefused()
    {
        using var http = new HttpClient { BaseAddress = fixture.App.AppUri };

        using var response = await http.GetAsync($"api/search/export?query={Q("{job=\"a\"}")}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
