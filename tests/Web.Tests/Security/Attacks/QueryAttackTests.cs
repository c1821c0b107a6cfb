using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TovPlay.Logs.Web.Tail;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Security.Attacks;

/// <summary>
/// One request from the lowest access (a read key) once ended the process (a query nested thousands deep overflowed
/// the stack) or pinned a core until restart (a regex that backtracks exponentially). Each must now get a clear
/// answer, and the app must go on serving.
/// </summary>
public sealed class QueryAttackTests(WebAppFixture fixture)
{
    private static string Nested(int depth, string inner) => new string('(', depth) + inner + new string(')', depth);

    private async Task<(HttpStatusCode Status, string Body)> PostQueryAsync(LokiPushClient client, string endpoint, string query)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = query });
        using var response = await client.Http.PostAsync(endpoint, form, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("query_range")]
    [InlineData("query")]
    public async Task TwentyThousandNestedParentheses_Are400WithAPosition_AndTheAppGoesOn(string endpoint)
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync(push: false, read: true));

        var (status, body) = await PostQueryAsync(client, endpoint, Nested(20_000, "count_over_time({job=\"x\"}[1m])"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("parse error at line 1, col 65: syntax error: the query nests deeper than the limit of 64", body, StringComparison.Ordinal);
        Assert.Equal(200, (await client.GetAsync("labels")).Status);
    }

    [Fact]
    public async Task AQueryLongerThanTheLimit_Is400()
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync(push: false, read: true));

        var (status, body) = await PostQueryAsync(client, "query_range", "{job=\"x\"} |= \"" + new string('a', 100_000) + "\"");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("more than the limit of 65536", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestedQuantifiers_OverLinesAndLabelsMadeToBacktrack_AnswerWithWhatMatches()
    {
        var token = await fixture.CreateApiKeyAsync();
        using var client = new LokiPushClient(fixture.App, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        var evil = new string('a', 5_000) + "!";
        var now = LokiPushClient.NowNs;
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "regex", ["run"] = run, ["name"] = evil[..2_000] + "!" }, (now, evil), (now + 1, "aaaa"));
        string Range(string query) => $"query_range?query={LokiPushClient.Q(query)}&start={now - 1_000_000_000}&end={now + 1_000_000_000}";
        List<string> Lines(System.Text.Json.JsonElement json) =>
            [.. json.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray()).Select(v => v[1].GetString()!)];

        Assert.Equal(["aaaa"], Lines(await client.GetJsonAsync(Range($"{{run=\"{run}\"}} |~ \"(a+)+$\""))));
        Assert.Empty(Lines(await client.GetJsonAsync(Range($"{{run=\"{run}\", name=~\"(a+)+\"}}"))));
        Assert.Empty(Lines(await client.GetJsonAsync(Range($"{{run=\"{run}\"}} | name=~\"(a|aa)+\""))));
    }

    [Fact]
    public async Task TheHubsTail_RefusesDeepNesting_AndALiveRegexFilterKeepsDeliveringLines()
    {
        var token = await fixture.CreateApiKeyAsync();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.App.AppUri, "hubs/tail"), o => o.Headers["Authorization"] = $"Bearer {token}")
            .Build();
        await connection.StartAsync(TestContext.Current.CancellationToken);

        var deep = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync<TailMessage>("Tail", Nested(4_990, "{job=\"x\"}"), TestContext.Current.CancellationToken))
            {
            }
        });
        Assert.Contains("nests deeper than the limit of 64", deep.Message, StringComparison.Ordinal);

        // The same connection still tails: a filter that would backtrack on the first line lets the second through.
        var run = Guid.NewGuid().ToString("N")[..12];
        using var pusher = new LokiPushClient(fixture.App, token);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromSeconds(60));
        var delivered = new List<string>();
        await foreach (var message in connection.StreamAsync<TailMessage>("Tail", $"{{run=\"{run}\"}} |~ \"^(a+)+$\"", cancel.Token))
        {
            if (message.State == nameof(TailConnectionState.Live) && delivered.Count == 0 && message.Lines.Count == 0)
            {
                var now = LokiPushClient.NowNs;
                await pusher.PushAsync(new Dictionary<string, string> { ["job"] = "regex", ["run"] = run }, (now, new string('a', 5_000) + "!"), (now + 1, "aaaa"));
            }

            delivered.AddRange(message.Lines.Select(l => l.Line));
            if (delivered.Count > 0)
            {
                break;
            }
        }

        Assert.Equal(["aaaa"], delivered);
    }

    [Fact]
    public async Task OneKeysSlowQueries_WaitInTheirOwnLine_WhileAnotherKeysQueryIsAnswered()
    {
        await using var loki = await FakeLoki.StartAsync();
        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["LogSource:Kind"] = "Loki",
            ["LogSource:Url"] = loki.Address.ToString(),
            ["LogSource:MaxConcurrentQueriesPerCaller"] = "1",
            ["Sandbox:Enabled"] = "false",
        });
        using var hog = new LokiPushClient(app, await app.CreateApiKeyAsync(push: false, read: true));
        using var other = new LokiPushClient(app, await app.CreateApiKeyAsync(push: false, read: true));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loki.Hold(gate.Task, "query_range_streams").Replay("query_range_streams").Replay("query_range_streams");
        var query = $"query_range?query={LokiPushClient.Q("{job=\"tovplay-backend\"}")}&limit=10";

        var first = hog.GetAsync(query);
        while (loki.Requests.IsEmpty)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var second = hog.GetAsync(query);
        var answered = await other.GetAsync(query);

        Assert.Equal(200, answered.Status);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Equal(2, loki.Requests.Count);

        gate.SetResult();
        Assert.Equal(200, (await first).Status);
        Assert.Equal(200, (await second).Status);
        Assert.Equal(3, loki.Requests.Count);
    }

    [Fact]
    public async Task OneKeysLiveTails_AreBounded_AndAPlaceFreesWhenATailEnds()
    {
        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?> { ["Tail:MaxTailsPerCaller"] = "2" });
        var token = await app.CreateApiKeyAsync(push: false, read: true);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.AppUri, "hubs/tail"), o => o.Headers["Authorization"] = $"Bearer {token}")
            .Build();
        await connection.StartAsync(TestContext.Current.CancellationToken);
        using var first = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var second = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await using var one = connection.StreamAsync<TailMessage>("Tail", "{job=\"one\"}", first.Token).GetAsyncEnumerator(first.Token);
        await using var two = connection.StreamAsync<TailMessage>("Tail", "{job=\"two\"}", second.Token).GetAsyncEnumerator(second.Token);
        Assert.True(await one.MoveNextAsync());
        Assert.True(await two.MoveNextAsync());

        var third = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync<TailMessage>("Tail", "{job=\"three\"}", TestContext.Current.CancellationToken))
            {
            }
        });
        Assert.Contains("too many live tails: at most 2", third.Message, StringComparison.Ordinal);

        await first.CancelAsync();

        // The cancelled tail's place is given back as its stream ends on the server: asked again until then.
        while (true)
        {
            await using var again = connection.StreamAsync<TailMessage>("Tail", "{job=\"three\"}", TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
            try
            {
                Assert.True(await again.MoveNextAsync());
                break;
            }
            catch (HubException ex) when (ex.Message.Contains("too many live tails", StringComparison.Ordinal))
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }
    }
}
