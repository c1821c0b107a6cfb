using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LokiApi;

/// <summary>The push endpoint: formats promtail and sinks send, Loki's refusals, keys and scopes, all-or-nothing.</summary>
public sealed class PushApiTests(WebAppFixture fixture)
{
    private static readonly string s_fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures");

    private static Dictionary<string, string> Labels(string run) => new() { ["job"] = "tovplay-backend", ["env"] = "test", ["run"] = run };

    private static string NewRun() => Guid.NewGuid().ToString("N")[..12];

    private async Task<LokiPushClient> ClientAsync(bool push = true, bool read = true) => new(fixture.App, await fixture.CreateApiKeyAsync(push, read));

    private static async Task<List<string>> LinesAsync(LokiPushClient client, string run, string direction = "forward")
    {
        var json = await client.GetJsonAsync($"query_range?query={LokiPushClient.Q($"{{run=\"{run}\"}}")}&start={LokiPushClient.NowNs - 3_600_000_000_000}&end={LokiPushClient.NowNs + 600_000_000_000}&limit=1000&direction={direction}");
        return [.. json.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => (Ts: long.Parse(v[0].GetString()!), Line: v[1].GetString()!)))
            .OrderBy(v => v.Ts).Select(v => v.Line)];
    }

    [Fact]
    public async Task PushJson_ThenQuery_ReturnsTheLinesInLokisShape()
    {
        using var client = await ClientAsync();
        var run = NewRun();
        var now = LokiPushClient.NowNs;

        await client.PushAsync(Labels(run), (now - 2000, "first"), (now - 1000, "second ✓"));
        var json = await client.GetJsonAsync($"query_range?query={LokiPushClient.Q($"{{run=\"{run}\"}}")}&limit=10");

        Assert.Equal("success", json.GetProperty("status").GetString());
        var data = json.GetProperty("data");
        Assert.Equal("streams", data.GetProperty("resultType").GetString());
        var stream = Assert.Single(data.GetProperty("result").EnumerateArray());
        Assert.Equal(run, stream.GetProperty("stream").GetProperty("run").GetString());
        var values = stream.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal([(now - 1000).ToString(), (now - 2000).ToString()], values.Select(v => v[0].GetString()));
        Assert.Equal(["second ✓", "first"], values.Select(v => v[1].GetString()));
        Assert.Equal(2, data.GetProperty("stats").GetProperty("summary").GetProperty("totalEntriesReturned").GetInt32());
    }

    [Fact]
    public async Task Query_EscapesLinesAsLokiDoes_QuotesWithBackslashAndUnicodeRaw()
    {
        using var client = await ClientAsync();
        var run = NewRun();
        await client.PushAsync(Labels(run), (LokiPushClient.NowNs, "{\"msg\":\"<b>ünïcödé ✓</b> & 'x'\"}"));

        var (status, body) = await client.GetAsync($"query_range?query={LokiPushClient.Q($"{{run=\"{run}\"}}")}");

        Assert.Equal(200, status);
        Assert.Contains("\"{\\\"msg\\\":\\\"<b>ünïcödé ✓</b> & 'x'\\\"}\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushPromtailProtobuf_RecordedBody_StoresEveryExpectedLine()
    {
        using var client = await ClientAsync();
        var recorded = await File.ReadAllBytesAsync(Path.Combine(s_fixtures, "promtail-2.8.0", "push-two-streams.bin"), TestContext.Current.CancellationToken);
        var expected = File.ReadAllLines(Path.Combine(s_fixtures, "promtail-2.8.0", "push-two-streams.expected.tsv"))
            .Select(l => l.Split('\t', 3)).Select(e => (Labels: e[0], Ts: long.Parse(e[1]), Line: e[2])).ToList();

        // The recording's entries are from its capture day, which the store's week-long window has left behind: the
        // same body with every entry moved to a minute ago, the test then holds whatever day it runs.
        var shift = RecordedPush.SecondsToNow(expected.Select(e => e.Ts));
        using var content = new ByteArrayContent(RecordedPush.Shifted(recorded, shift));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await client.Http.PostAsync("push", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{(int)response.StatusCode}: {text}");
        var first = expected.Min(e => e.Ts) + shift * 1_000_000_000;
        var json = await client.GetJsonAsync($"query_range?query={LokiPushClient.Q("{env=\"prod\", filename=~\"/var/log/tovplay/.+\"}")}&start={first}&end={first + 10_000_000_000}&limit=100&direction=forward");
        var stored = json.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => (Labels: Selector(s.GetProperty("stream")), Ts: long.Parse(v[0].GetString()!), Line: v[1].GetString()!)))
            .ToList();
        Assert.Equal(expected.Count, stored.Count);
        foreach (var row in expected)
        {
            Assert.Contains((row.Labels, row.Ts + shift * 1_000_000_000, row.Line), stored);
        }
    }

    private static string Selector(JsonElement labels) =>
        "{" + string.Join(", ", labels.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}=\"{p.Value.GetString()}\"")) + "}";

    [Fact]
    public async Task PushGzipJson_IsDecompressed()
    {
        using var client = await ClientAsync();
        var run = NewRun();
        // Large enough that both the compressed body and the inflated one outgrow the first read buffer.
        var lines = Enumerable.Range(0, 600).Select(i => (LokiPushClient.NowNs + i, $"zipped {i:D4} {Guid.NewGuid()}{Guid.NewGuid()}")).ToArray();
        var json = Encoding.UTF8.GetBytes(LokiPushClient.PushBody(Labels(run), lines));
        var zipped = new MemoryStream();
        await using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(json, TestContext.Current.CancellationToken);
        }

        using var content = new ByteArrayContent(zipped.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await client.Http.PostAsync("push", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(lines.Select(l => l.Item2).OrderBy(l => l, StringComparer.Ordinal), (await LinesAsync(client, run)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PushJson_StructuredMetadata_IsKeptAndQueryable()
    {
        using var client = await ClientAsync();
        var run = NewRun();
        var now = LokiPushClient.NowNs;

        await client.PushAsync(Labels(run), (now, "plain"));
        using var response = await client.PushJsonAsync($$"""{"streams":[{"stream":{"job":"tovplay-backend","env":"test","run":"{{run}}"},"values":[["{{now + 1}}","with trace",{"trace_id":"abc123"}]]}]}""");
        var json = await client.GetJsonAsync($"query_range?query={LokiPushClient.Q($"{{run=\"{run}\"}} | trace_id=\"abc123\"")}&limit=10");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var stream = Assert.Single(json.GetProperty("data").GetProperty("result").EnumerateArray());
        Assert.Equal("abc123", stream.GetProperty("stream").GetProperty("trace_id").GetString());
        Assert.Equal("with trace", stream.GetProperty("values")[0][1].GetString());
    }

    [Fact]
    public async Task Push_ExactDuplicate_IsStoredOnce()
    {
        using var client = await ClientAsync();
        var run = NewRun();
        var ts = LokiPushClient.NowNs;

        await client.PushAsync(Labels(run), (ts, "same"), (ts, "same"), (ts, "other at the same time"), (ts + 1, "later"));

        // A client retrying the whole push, its acknowledgement lost.
        await client.PushAsync(Labels(run), (ts, "same"), (ts, "other at the same time"), (ts + 1, "later"));
        var counted = await client.GetJsonAsync($"query?query={LokiPushClient.Q($"sum(count_over_time({{run=\"{run}\"}}[1h]))")}&time={ts + 2}");

        Assert.Equal(["later", "other at the same time", "same"], (await LinesAsync(client, run)).Order(StringComparer.Ordinal));
        Assert.Equal("3", counted.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());
    }

    [Fact]
    public async Task Push_NoLabels_IsRefusedWithLokisText()
    {
        using var client = await ClientAsync();

        using var response = await client.PushJsonAsync($$"""{"streams": [{"stream": {}, "values": [["{{LokiPushClient.NowNs}}", "no labels"]]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(s_fixtures, "loki-2.8.0", "push_error_no_labels.json"), TestContext.Current.CancellationToken),
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Push_TooOldEntry_IsRefusedAndNothingOfThePushIsStored()
    {
        using var client = await ClientAsync();
        var run = NewRun();
        var old = LokiPushClient.NowNs - (long)TimeSpan.FromDays(30).TotalNanoseconds;

        using var response = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(run), (LokiPushClient.NowNs, "fresh"), (old, "too old line")));
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches(@"^entry for stream '\{env=""test"", job=""tovplay-backend"", run=""[0-9a-f]+""\}' has timestamp too old: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, oldest acceptable timestamp is: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$", text);
        Assert.Empty(await LinesAsync(client, run));
    }

    [Fact]
    public async Task Push_TooNewEntry_IsRefused()
    {
        using var client = await ClientAsync();
        var future = LokiPushClient.NowNs + (long)TimeSpan.FromHours(1).TotalNanoseconds;

        using var response = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(NewRun()), (future, "from the future")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("has timestamp too new:", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Push_OutOfOrder_AcceptedWithinTheWindowRefusedBeyondIt()
    {
        using var client = await ClientAsync();
        var run = NewRun();
        var now = LokiPushClient.NowNs;
        await client.PushAsync(Labels(run), (now, "newest"));

        await client.PushAsync(Labels(run), (now - (long)TimeSpan.FromMinutes(30).TotalNanoseconds, "half an hour late"));
        using var tooLate = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(run), (now - (long)TimeSpan.FromHours(2).TotalNanoseconds, "two hours late")));

        Assert.Equal(HttpStatusCode.BadRequest, tooLate.StatusCode);
        Assert.Matches(@"^entry too far behind, entry timestamp is: \S+Z, oldest acceptable timestamp is: \S+Z\n$", await tooLate.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["half an hour late", "newest"], await LinesAsync(client, run));
    }

    [Fact]
    public async Task ApiKey_IsStoredOnlyAsAHash()
    {
        var token = await fixture.CreateApiKeyAsync();
        await using var connection = await fixture.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM api_keys WHERE position(@secret in api_keys::text) > 0", connection);
        // tpl_<key id>_<secret>: the secret's own alphabet has "_" in it, so it is everything after the second one.
        var secret = token.Split('_', 3)[2];
        Assert.Equal(43, secret.Length);
        command.Parameters.AddWithValue("secret", secret);

        Assert.Equal(0L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Push_LineAboveTheSizeLimit_IsRefused()
    {
        using var client = await ClientAsync();

        using var response = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(NewRun()), (LokiPushClient.NowNs, new string('x', 300_000))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Max entry size '262144' bytes exceeded for stream '{env=\"test\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("""{"streams":[{"stream":{"job":"x"},"values":[["notanumber","x"]]}]}""", "is not a number of Unix nanoseconds")]
    [InlineData("""{"streams":[{"stream":{"job":"x"},"values":[["+1795716635179651328","x"]]}]}""", "\"+1795716635179651328\" is not a number")]
    [InlineData("""{"streams":[{"stream":{"job":"x"},"values":[["-5","x"]]}]}""", "\"-5\" is not a number")]
    [InlineData("""{"streams":[{"stream":{"job":"x"},"values":[["17957166351796513280","x"]]}]}""", "is not a number of Unix nanoseconds")]
    [InlineData("""{"streams":[{"stream":{"job":"x"},"values":[[1795716635179651328,"x"]]}]}""", "timestamp must be a string")]
    [InlineData("""{"streams":[{"stream":{"job":"x"},"values":[["1","x"]""", "Expected depth to be zero")]
    [InlineData("""not json""", "loghttp.PushRequest: ")]
    [InlineData("""{"streams":[{"stream":{"job":"x"},"values":[["1","x",[1,2]]]}]}""", "structured metadata must be an object of string values")]
    [InlineData("""{"streams":[{"stream":{"job":"x"},"values":[["1","x",{"a":"b"},"more"]]}]}""", "a value has at most three elements")]
    public async Task Push_MalformedJson_Is400WithTheReason(string body, string expected)
    {
        using var client = await ClientAsync();

        using var response = await client.PushJsonAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2 }, false, "snappy: corrupt input")]
    [InlineData(new byte[] { 5, 0x10, 0x0a, 0x20, 0x01, 0x02 }, false, "snappy: corrupt input")]
    [InlineData(new byte[] { 0x0a, 0x20, 0x01, 0x02 }, true, "proto: logproto.PushRequest: length 32 at byte 2 runs past the end of the message")]
    [InlineData(new byte[] { 0x0a, 0x04, 0x0a, 0x02, 0xc3, 0x28 }, true, "proto: logproto.PushRequest: a string field is not valid UTF-8")]
    [InlineData(new byte[] { 0x0a, 0x05, 0x0a, 0x03, 0x7b, 0x61, 0x7d }, true, "error parsing labels '{a}' with error: parse error at line 1, col 3")]
    [InlineData(new byte[] { 0x0a, 0x0f, 0x0a, 0x07, 0x7b, 0x61, 0x3d, 0x22, 0x62, 0x22, 0x7d, 0x12, 0x04, 0x12, 0x02, 0xc3, 0x28 }, true, "proto: logproto.PushRequest: a string field is not valid UTF-8")]
    public async Task Push_MalformedProtobuf_Is400WithTheReason(byte[] message, bool compress, string expected)
    {
        using var client = await ClientAsync();
        var body = compress ? Snappier.Snappy.CompressToArray(message) : message;
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var response = await client.Http.PostAsync("push", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// A client that stops sending mid-body (a crash, a dropped connection) made the push count as a server error:
    /// logged as an error with its stack, "responded 500". So did a body Kestrel cannot read (bad chunked framing).
    /// Both are the client's doing: 499 (it closed the request) or Kestrel's 400, logged at information level.
    /// </summary>
    [Fact]
    public async Task Push_ABodyCutShortOrBadlyFramed_IsTheClientsFault_NotAServerError()
    {
        var sink = new CapturingSink();
        await using var app = new TestApp(fixture.Database.ConnectionString,
            new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" },
            services => services.AddSingleton<Serilog.Core.ILogEventSink>(sink));
        var token = await app.CreateApiKeyAsync(push: true, read: false);
        var body = LokiPushClient.PushBody(Labels(NewRun()), (LokiPushClient.NowNs, "cut short"));
        var head = $"POST /logs/loki/api/v1/push HTTP/1.1\r\nHost: {app.ServerAddress.Authority}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n";

        // A chunk size that is not hexadecimal: the connection stays open, and the answer comes back.
        using (var socket = await ConnectAsync(app))
        {
            await SendAsync(socket, head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n");
            using var reader = new StreamReader(socket.GetStream(), Encoding.ASCII);
            Assert.StartsWith("HTTP/1.1 400", await reader.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        // Less body than the Content-Length promised, then the connection closes.
        using (var socket = await ConnectAsync(app))
        {
            await SendAsync(socket, head + $"Content-Length: {Encoding.UTF8.GetByteCount(body) + 100}\r\n\r\n" + body);
        }

        // Each request's completion is logged once the app is done with it: wait for that state.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        List<Serilog.Events.LogEvent> completed;
        while ((completed = [.. sink.Events.Where(e => e.MessageTemplate.Text.StartsWith("HTTP", StringComparison.Ordinal)
            && CapturingSink.Scalar(e, "RequestPath") == "/loki/api/v1/push")]).Count < 2)
        {
            await Task.Delay(50, bound.Token);
        }

        var problems = string.Join("\n", sink.Events.Where(e => e.Level >= Serilog.Events.LogEventLevel.Warning).Select(e => e.RenderMessage() + " " + e.Exception));
        Assert.True(CapturingSink.Scalar(completed[0], "StatusCode") == "400", problems);
        Assert.True(CapturingSink.Scalar(completed[1], "StatusCode") is "400" or "499", problems);
        Assert.True(!sink.Events.Any(e => e.Level >= Serilog.Events.LogEventLevel.Error), problems);
    }

    private static async Task<System.Net.Sockets.TcpClient> ConnectAsync(TestApp app)
    {
        var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(app.ServerAddress.Host, app.ServerAddress.Port, TestContext.Current.CancellationToken);
        return socket;
    }

    private static async Task SendAsync(System.Net.Sockets.TcpClient socket, string request) =>
        await socket.GetStream().WriteAsync(Encoding.UTF8.GetBytes(request), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Push_BodyAboveTheLimit_Is413()
    {
        using var client = await ClientAsync();
        using var content = new ByteArrayContent(new byte[20 * 1024 * 1024]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.Http.PostAsync("push", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.StartsWith("message size too large than max", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Push_WithoutKey_Is401AndWithReadOnlyKey_Is403()
    {
        using var anonymous = new LokiPushClient(fixture.App, null);
        using var readOnly = await ClientAsync(push: false, read: true);
        var body = LokiPushClient.PushBody(Labels(NewRun()), (LokiPushClient.NowNs, "x"));

        using var refused = await anonymous.PushJsonAsync(body);
        using var forbidden = await readOnly.PushJsonAsync(body);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Push_RevokedKey_Is401()
    {
        var token = await fixture.CreateApiKeyAsync();
        using var client = new LokiPushClient(fixture.App, token);
        await client.PushAsync(Labels(NewRun()), (LokiPushClient.NowNs, "before"));
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<TovPlay.Logs.Web.ApiKeys.ApiKeyAdministration>();
            var key = (await keys.ListAsync(TestContext.Current.CancellationToken)).Single(k => token.Contains(k.KeyId, StringComparison.Ordinal));
            Assert.True(await keys.RevokeAsync(new System.Security.Claims.ClaimsPrincipal(), key.Id, TestContext.Current.CancellationToken));
        }

        using var response = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(NewRun()), (LokiPushClient.NowNs, "after")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Push_BasicAuthWithTheKeyAsPassword_IsAccepted()
    {
        var token = await fixture.CreateApiKeyAsync();
        using var client = new LokiPushClient(fixture.App, null);
        client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"promtail:{token}")));
        var run = NewRun();

        await client.PushAsync(Labels(run), (LokiPushClient.NowNs, "via basic auth"));

        Assert.Equal(["via basic auth"], await LinesAsync(client, run));
    }

    [Fact]
    public async Task Push_AboveTheKeysIngestionRate_Is429WithLokisText()
    {
        var token = await fixture.CreateApiKeyAsync(ingestionRateBytes: 1000);
        using var client = new LokiPushClient(fixture.App, token);
        var run = NewRun();

        // The bucket holds one and a half seconds: 1500 bytes. Two pushes of 1000 bytes cannot both pass at once.
        await client.PushAsync(Labels(run), (LokiPushClient.NowNs, new string('a', 1000)));
        using var response = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(run), (LokiPushClient.NowNs, new string('b', 1000))));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Matches(@"^Ingestion rate limit exceeded for user key-[0-9a-f]+ \(limit: 1000 bytes/sec\) while attempting to ingest '1' lines totaling '1000' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased\n$",
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
