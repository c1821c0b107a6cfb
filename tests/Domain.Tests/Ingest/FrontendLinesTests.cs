using System.Text;
using System.Text.Json.Nodes;
using TovPlay.Logs.Domain.Ingest;

namespace TovPlay.Logs.Domain.Tests.Ingest;

public sealed class FrontendLinesTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 4, 10, 30, 0, TimeSpan.Zero);

    private static FrontendBatch Batch(string json) => FrontendBatch.Read(Encoding.UTF8.GetBytes(json), new FrontendLimits(), s_now).Batch!;

    [Fact]
    public void Build_TheServerChoosesTheLabels_AndTheBrowsersClaimsAreKeptAsClaims()
    {
        var batch = Batch("""
            {"entries": [{"ts": "2026-12-04T10:29:59.250Z", "level": "error", "message": "boom", "job": "tovplay-backend", "service": "api",
              "env": "staging", "user_id": 1, "username": "admin", "ip": "10.0.0.1", "labels": {"job": "x"}, "page": "/games"}]}
            """);

        var (streams, redactions) = FrontendLines.Build(batch, new FrontendCaller("203.0.113.9", "Mozilla/5.0"));

        var stream = Assert.Single(streams);
        Assert.Equal("""{env="staging", job="tovplay-frontend", level="error", service="tovplay-frontend"}""", stream.Labels.ToString());
        var entry = Assert.Single(stream.Entries);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 10, 29, 59, 250, TimeSpan.Zero), DateTimeOffset.UnixEpoch.AddTicks(entry.TimestampNs / 100));
        Assert.Equal(
            """{"ts":"2026-12-04T10:29:59.250Z","level":"error","msg":"boom","service":"tovplay-frontend","env":"staging","ip":"203.0.113.9","user_agent":"Mozilla/5.0","labels":{"job":"x"},"page":"/games","claimed_job":"tovplay-backend","claimed_service":"api","claimed_user_id":1,"claimed_username":"admin","claimed_ip":"10.0.0.1"}""",
            entry.Decode().Line);
        Assert.Equal(0, redactions);
    }

    [Fact]
    public void Build_AVerifiedSession_NamesTheUser_AnExpiredOneSaysSo()
    {
        var batch = Batch("""{"entries": [{"message": "clicked buy", "correlation_id": "c-1", "session_id": "s-9", "user_agent": "own agent"}]}""");

        var verified = JsonNode.Parse(FrontendLines.Build(batch, new FrontendCaller("203.0.113.9", "Mozilla/5.0", SessionTokenStatus.Valid, new SessionUser("42", "maya"))).Streams[0].Entries[0].Decode().Line)!;
        var expired = JsonNode.Parse(FrontendLines.Build(batch, new FrontendCaller(null, null, SessionTokenStatus.Expired)).Streams[0].Entries[0].Decode().Line)!;

        Assert.Equal(("42", "maya", "c-1", "s-9", "Mozilla/5.0", "own agent"), ((string?)verified["user_id"], (string?)verified["username"], (string?)verified["correlation_id"],
            (string?)verified["session_id"], (string?)verified["user_agent"], (string?)verified["claimed_user_agent"]));
        Assert.Null(verified["session_token"]);
        Assert.Equal("expired", (string?)expired["session_token"]);
        Assert.Null(expired["user_id"]);
        Assert.Null(expired["ip"]);
    }

    [Fact]
    public void Build_SecretsInTheMessageAndFields_AreRedactedBeforeStorage_AndCounted()
    {
        var batch = Batch("""{"entries": [{"message": "login failed for card 4111 1111 1111 1111", "password": "hunter2", "form": {"token": "t"}}, {"level": "debug", "message": "ok"}]}""");

        var (streams, redactions) = FrontendLines.Build(batch, new FrontendCaller(null, null));

        Assert.Equal(3, redactions);
        Assert.Equal(2, streams.Count);
        var line = streams.Single(s => s.Labels["level"] == "info").Entries[0].Decode().Line;
        Assert.Contains("\"msg\":\"login failed for card [REDACTED]\"", line, StringComparison.Ordinal);
        Assert.Contains("\"password\":\"[REDACTED]\",\"form\":{\"token\":\"[REDACTED]\"}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FieldsTheServerWrites_AreTheServers_TheBrowsersKeptAsClaims_AndTheUserAgentIsRedactedToo()
    {
        var batch = Batch("""{"entries": [{"message": "m", "user_agent": "FakeAgent/1.0", "client_ts": "forged", "session_token": "valid"}]}""");

        var (streams, redactions) = FrontendLines.Build(batch, new FrontendCaller(null, "Mozilla/5.0 Bearer abcdefghijklmnop"));

        var line = JsonNode.Parse(streams[0].Entries[0].Decode().Line)!;
        Assert.Equal(("Mozilla/5.0 Bearer [REDACTED]", "FakeAgent/1.0", "forged", "[REDACTED]"),
            ((string?)line["user_agent"], (string?)line["claimed_user_agent"], (string?)line["claimed_client_ts"], (string?)line["claimed_session_token"]));
        Assert.Null(line["client_ts"]);
        Assert.Null(line["session_token"]);
        Assert.Equal(2, redactions);
    }

    [Fact]
    public void Build_IdenticalEntriesOfOneBatch_AreEachKept_ANanosecondApart()
    {
        var batch = Batch("""{"entries": [{"message": "retry", "ts": 1796380199000}, {"message": "retry", "ts": 1796380199000}, {"message": "retry", "ts": 1796380199000}]}""");

        var entries = FrontendLines.Build(batch, new FrontendCaller(null, null)).Streams.Single().Entries;

        Assert.Equal(3, entries.Select(e => e.TimestampNs).Distinct().Count());
        Assert.Equal(entries[0].TimestampNs + 2, entries[2].TimestampNs);
    }

    [Fact]
    public void Build_FieldsAJsonParserWouldNameLikeTheServers_AreClaimsToo_AndNoClaimIsOverwritten()
    {
        var batch = Batch("""{"entries": [{"message": "m", "user": {"id": "999", "name": "mallory"}, "user-agent": "FakeUA", "user.name": "m2", "claimed_ip": "9.9.9.9", "ip": "1.1.1.1"}]}""");

        var line = JsonNode.Parse(FrontendLines.Build(batch, new FrontendCaller("203.0.113.9", null, SessionTokenStatus.Valid, new SessionUser("42", "alice"))).Streams[0].Entries[0].Decode().Line)!;

        Assert.Equal(("42", "alice", "203.0.113.9"), ((string?)line["user_id"], (string?)line["username"], (string?)line["ip"]));
        Assert.Equal(("999", "FakeUA", "9.9.9.9", "1.1.1.1"),
            ((string?)line["claimed_user"]!["id"], (string?)line["claimed_user-agent"], (string?)line["claimed_ip"], (string?)line["claimed_ip_2"]));
        // user.name is user_name to a json parser, not the server's username: it stays as sent.
        Assert.Equal("m2", (string?)line["user.name"]);
        Assert.Null(line["user"]);
    }

    [Fact]
    public void Build_ALineSentLate_KeepsTheBrowsersTime()
    {
        var batch = Batch("""{"entries": [{"message": "from the future", "ts": "2030-01-01T00:00:00Z"}]}""");

        var line = JsonNode.Parse(FrontendLines.Build(batch, new FrontendCaller(null, null)).Streams[0].Entries[0].Decode().Line)!;

        Assert.Equal(("2026-12-04T10:30:00.000Z", "2030-01-01T00:00:00Z"), ((string?)line["ts"], (string?)line["client_ts"]));
    }
}
