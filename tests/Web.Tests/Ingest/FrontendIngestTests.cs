using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TovPlay.Logs.Domain.Ingest;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Ingest;

/// <summary>The browsers' way in, used as a TovPlay page uses it and as someone who found it would abuse it.</summary>
public sealed class FrontendIngestTests(WebAppFixture fixture) : IAsyncLifetime
{
    private FrontendIngestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = FrontendIngestApp.Start(fixture.Database);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

    [Fact]
    public async Task ABatchFromAnAllowedPage_IsStored_LabelledByTheServer_WithTheCallersAddress()
    {
        var marker = Marker();
        using var response = await _app.PostAsync($$$"""
            {"entries": [
              {"ts": {{{DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeMilliseconds()}}}, "level": "info", "message": "{{{marker}}} clicked buy", "correlation_id": "c-{{{marker}}}", "page": "/store", "session_id": "s-1"},
              {"level": "error", "message": "{{{marker}}} purchase failed", "error": {"type": "TypeError", "message": "x is undefined", "stack": "at buy (store.js:10)"}}]}
            """, headers: [("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FrontendIngestApp.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("""{"accepted":2,"redacted":0}""", await response.Content.ReadAsStringAsync(Ct));
        var stored = await _app.StoredAsync(marker);
        Assert.Equal(2, stored.Count);
        Assert.Equal("""{env="prod", job="tovplay-frontend", level="info", service="tovplay-frontend"}""", stored[0].Labels);
        Assert.Equal("""{env="prod", job="tovplay-frontend", level="error", service="tovplay-frontend"}""", stored[1].Labels);
        var click = JsonNode.Parse(stored[0].Line)!;
        Assert.Equal(($"{marker} clicked buy", "127.0.0.1", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120", $"c-{marker}", "/store"),
            ((string?)click["msg"], (string?)click["ip"], (string?)click["user_agent"], (string?)click["correlation_id"], (string?)click["page"]));
        Assert.Equal("TypeError", (string?)JsonNode.Parse(stored[1].Line)!["error"]!["type"]);
    }

    [Fact]
    public async Task WhatSendBeaconSends_TextPlainWithoutAnOriginCheckHeader_IsTaken()
    {
        var marker = Marker();
        using var response = await _app.PostAsync($$"""{"entries": [{"message": "{{marker}} page hidden"}]}""", contentType: "text/plain; charset=UTF-8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await _app.StoredAsync(marker));
    }

    [Fact]
    public async Task APreflight_FromTheAllowedSite_IsAnswered_FromAnotherItIsNot()
    {
        using var client = new HttpClient { BaseAddress = _app.App.AppUri };
        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "api/ingest/frontend");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type,x-correlation-id");
            return await client.SendAsync(request, Ct);
        }

        using var allowed = await PreflightAsync(FrontendIngestApp.AllowedOrigin);
        using var other = await PreflightAsync("https://evil.example");

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(FrontendIngestApp.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-correlation-id", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task APageOfAnotherSite_IsRefused_AndNothingOfItIsStored()
    {
        var marker = Marker();
        using var response = await _app.PostAsync($$"""{"entries": [{"message": "{{marker}}"}]}""", origin: "https://evil.example", contentType: "text/plain");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Pages of https://evil.example may not send logs here; the allowed origins are set in Ingest:Frontend:AllowedOrigins.", (string?)(await JsonAsync(response))["error"]);
        Assert.Empty(await _app.StoredAsync(marker));
    }

    [Fact]
    public async Task AnOversizedBody_Is413_WithOrWithoutItsLengthAnnounced()
    {
        var big = $$"""{"entries": [{"message": "{{new string('x', 70_000)}}"}]}""";
        using var announced = await _app.PostAsync(big);

        using var client = new HttpClient { BaseAddress = _app.App.AppUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest/frontend")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        request.Headers.TransferEncodingChunked = true;
        using var chunked = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, announced.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Equal("A batch is at most 65,536 bytes; send fewer entries at a time.", (string?)(await JsonAsync(chunked))["error"]);
    }

    [Theory]
    [InlineData("{\"entries\": [{\"message\": \"a\"}", "body: not JSON at line 1, column 30")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"level\": \"loud\"}]}", "entries[0].level: 'loud' is not a level; use trace, debug, info (or log), warn (or warning), error, fatal (or critical)")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"env\": \"prod\\\", job=\\\"tovplay-backend\"}]}", "entries[0].env: 'prod\", job=\"tovplay-backend' is not an environment this app takes; use prod, staging, dev")]
    public async Task AMalformedBatch_Is400_NamingTheFieldAndWhy(string body, string error)
    {
        using var response = await _app.PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith(error, (string?)JsonNode.Parse(text)!["error"], StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextThatIsNotUnicode_Is400NamingTheField_NotAServerError()
    {
        // A lone surrogate (what cutting an emoji in half gives), and a byte that is not UTF-8.
        using var surrogate = await _app.PostAsync("""{"entries": [{"message": "x", "f": "a\ud83db"}]}""");
        using var client = new HttpClient { BaseAddress = _app.App.AppUri };
        var bytes = Encoding.UTF8.GetBytes("""{"entries": [{"message": "bad?"}]}""");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xFF;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        using var invalid = await client.PostAsync("api/ingest/frontend", content, Ct);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (surrogate.StatusCode, invalid.StatusCode));
        Assert.Equal("entries[0].f: not valid Unicode text (a lone surrogate such as \\ud83d, or bytes that are not UTF-8)", (string?)(await JsonAsync(surrogate))["error"]);
        Assert.Contains("bytes that are not UTF-8", (string?)(await JsonAsync(invalid))["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdenticalEntriesOfOneBatch_AreAllStored_AsTheAnswerSays()
    {
        var marker = Marker();
        var entry = $$"""{"ts": {{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}, "message": "{{marker}} retry"}""";
        using var response = await _app.PostAsync($$"""{"entries": [{{entry}}, {{entry}}, {{entry}}]}""");

        Assert.Equal("""{"accepted":3,"redacted":0}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(3, (await _app.StoredAsync(marker)).Count);
    }

    [Fact]
    public async Task AnyOtherMethod_Is405_SayingPost()
    {
        using var client = new HttpClient { BaseAddress = _app.App.AppUri };
        using var response = await client.GetAsync("api/ingest/frontend", Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    [Fact]
    public async Task AFormPost_Is415()
    {
        using var response = await _app.PostAsync("entries=1", contentType: "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("Send the batch as JSON (application/json, or text/plain as sendBeacon does), not application/x-www-form-urlencoded.", (string?)(await JsonAsync(response))["error"]);
    }

    [Fact]
    public async Task LabelsAndIdentity_SentByTheBrowser_AreKeptAsClaims_NeverAsLabelsOrTheServersWord()
    {
        var marker = Marker();
        using var response = await _app.PostAsync($$"""
            {"entries": [{"message": "{{marker}}", "job": "tovplay-backend", "service": "api", "labels": {"job": "postgres"}, "user_id": 1, "username": "admin", "ip": "10.0.0.1"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (labels, line) = Assert.Single(await _app.StoredAsync(marker));
        Assert.Equal("""{env="prod", job="tovplay-frontend", level="info", service="tovplay-frontend"}""", labels);
        var stored = JsonNode.Parse(line)!;
        Assert.Equal(("127.0.0.1", "tovplay-backend", 1, "admin", "10.0.0.1"),
            ((string?)stored["ip"], (string?)stored["claimed_job"], (int?)stored["claimed_user_id"], (string?)stored["claimed_username"], (string?)stored["claimed_ip"]));
        Assert.Null(stored["user_id"]);
        Assert.Null(stored["job"]);
    }

    [Fact]
    public async Task Secrets_AreRedactedBeforeStorage_AndTheAnswerCountsThem()
    {
        var marker = Marker();
        using var response = await _app.PostAsync($$"""
            {"entries": [{"message": "{{marker}} paid with 4111 1111 1111 1111", "password": "hunter2", "headers": {"Authorization": "Bearer abc.def.ghi"},
              "note": "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"}]}
            """);

        Assert.Equal("""{"accepted":1,"redacted":4}""", await response.Content.ReadAsStringAsync(Ct));
        var line = Assert.Single(await _app.StoredAsync(marker)).Line;
        foreach (var secret in new[] { "4111", "hunter2", "abc.def.ghi", "eyJhbGciOiJIUzI1NiJ9" })
        {
            Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
        }

        Assert.Contains("\"password\":\"[REDACTED]\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionTokenTheBackendSigned_PutsItsUserOnTheLines_AForgedOneIsNamedInvalid()
    {
        var marker = Marker();
        var key = Encoding.UTF8.GetBytes(FrontendIngestApp.SessionKey);
        var valid = SessionToken.Sign(new SessionUser("42", "maya"), DateTimeOffset.UtcNow.AddMinutes(10), key);
        var forged = SessionToken.Sign(new SessionUser("1", "admin"), DateTimeOffset.UtcNow.AddMinutes(10), Encoding.UTF8.GetBytes("a key the attacker made up for this test"));

        using var inBody = await _app.PostAsync($$"""{"session": "{{valid}}", "entries": [{"message": "{{marker}} body"}]}""");
        using var inHeader = await _app.PostAsync($$"""{"entries": [{"message": "{{marker}} header"}]}""", headers: [("X-TovPlay-Session", valid)]);
        using var bad = await _app.PostAsync($$"""{"session": "{{forged}}", "entries": [{"message": "{{marker}} forged"}]}""");

        var lines = (await _app.StoredAsync(marker)).Select(l => JsonNode.Parse(l.Line)!).ToDictionary(l => ((string)l["msg"]!).Split(' ')[1]);
        Assert.Equal(("42", "maya"), ((string?)lines["body"]["user_id"], (string?)lines["body"]["username"]));
        Assert.Equal(("42", "maya"), ((string?)lines["header"]["user_id"], (string?)lines["header"]["username"]));
        Assert.Null(lines["forged"]["user_id"]);
        Assert.Equal("invalid", (string?)lines["forged"]["session_token"]);
    }

    [Fact]
    public async Task AForwardedForHeader_FromAnAddressThatIsNoTrustedProxy_IsIgnored()
    {
        // Loopback is believed by default (the usual proxy on the same host); here only a proxy elsewhere is.
        await using var direct = FrontendIngestApp.Start(fixture.Database, settings: [("Security:TrustLoopback", "false"), ("Security:TrustedProxies:0", "10.9.9.9")]);
        var marker = Marker();
        using var response = await direct.PostAsync($$"""{"entries": [{"message": "{{marker}}"}]}""", headers: [("X-Forwarded-For", "198.51.100.7")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", (string?)JsonNode.Parse(Assert.Single(await direct.StoredAsync(marker)).Line)!["ip"]);
    }

    [Fact]
    public async Task AForwardedForHeader_FromTheTrustedProxy_NamesTheBrowsersAddress()
    {
        await using var proxied = FrontendIngestApp.Start(fixture.Database, settings: [("Security:TrustLoopback", "false"), ("Security:TrustedProxies:0", "127.0.0.1")]);
        var marker = Marker();
        using var response = await proxied.PostAsync($$"""{"entries": [{"message": "{{marker}}"}]}""", headers: [("X-Forwarded-For", "198.51.100.7")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("198.51.100.7", (string?)JsonNode.Parse(Assert.Single(await proxied.StoredAsync(marker)).Line)!["ip"]);
    }
}
