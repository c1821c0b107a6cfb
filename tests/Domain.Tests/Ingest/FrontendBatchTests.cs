using System.Text;
using TovPlay.Logs.Domain.Ingest;

namespace TovPlay.Logs.Domain.Tests.Ingest;

public sealed class FrontendBatchTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 4, 10, 30, 0, TimeSpan.Zero);
    private static readonly FrontendLimits s_limits = new() { MaxEntries = 3, MaxFields = 3, MaxMessageChars = 20 };

    private static (FrontendBatch? Batch, IReadOnlyList<string> Problems) Read(string json) => FrontendBatch.Read(Encoding.UTF8.GetBytes(json), s_limits, s_now);

    [Fact]
    public void Read_ABatchAsTheLoggerSendsIt_TakesEachEntryWithItsTimeLevelEnvAndFields()
    {
        var (batch, problems) = Read("""
            {"session": "v1.a.b", "env": "staging", "entries": [
              {"ts": "2026-12-04T10:29:59.250Z", "level": "WARNING", "message": "slow", "page": "/games", "duration_ms": 812},
              {"ts": 1796380199500, "msg": "clicked", "correlation_id": "c-1"},
              {"message": "no time", "env": "dev"}]}
            """);

        Assert.Empty(problems);
        Assert.Equal("v1.a.b", batch!.Session);
        Assert.Equal(3, batch.Entries.Count);
        var (first, second, third) = (batch.Entries[0], batch.Entries[1], batch.Entries[2]);
        Assert.Equal((new DateTimeOffset(2026, 12, 4, 10, 29, 59, 250, TimeSpan.Zero), "warn", "staging", "slow"), (first.At, first.Level, first.Env, first.Message));
        Assert.Equal("""{"page":"/games","duration_ms":812}""", first.Fields.ToJsonString());
        Assert.Equal((DateTimeOffset.FromUnixTimeMilliseconds(1796380199500), "info", "clicked"), (second.At, second.Level, second.Message));
        Assert.Equal((s_now, "dev"), (third.At, third.Env));
        Assert.Null(third.ClientTime);
    }

    [Theory]
    [InlineData("[]", "body: must be a JSON object with an \"entries\" array, not an array")]
    [InlineData("{\"entries\": [", "body: not JSON at line 1, column 14")]
    [InlineData("{}", "entries: missing; send {\"entries\": [{\"message\": \"…\"}]}")]
    [InlineData("{\"entries\": {}}", "entries: must be an array, not an object")]
    [InlineData("{\"entries\": []}", "entries: empty; send at least one entry")]
    [InlineData("{\"entries\": [{\"message\":\"a\"},{\"message\":\"b\"},{\"message\":\"c\"},{\"message\":\"d\"}]}", "entries: 4 entries; a batch holds at most 3 (send several batches)")]
    [InlineData("{\"entries\": [\"text\"]}", "entries[0]: must be an object, not a string")]
    [InlineData("{\"entries\": [{\"level\": \"info\"}]}", "entries[0].message: missing; every entry needs a message (a string)")]
    [InlineData("{\"entries\": [{\"message\": 42}]}", "entries[0].message: must be a string, not a number")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"msg\": \"b\"}]}", "entries[0].msg: the entry has both \"message\" and \"msg\"; send one")]
    [InlineData("{\"entries\": [{\"message\": \"123456789012345678901\"}]}", "entries[0].message: 21 characters; a message has at most 20")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"level\": \"verbose\"}]}", "entries[0].level: 'verbose' is not a level; use trace, debug, info (or log), warn (or warning), error, fatal (or critical)")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"env\": \"prod\\\"}\"}]}", "entries[0].env: 'prod\"}' is not an environment this app takes; use prod, staging, dev")]
    [InlineData("{\"env\": 3, \"entries\": [{\"message\": \"a\"}]}", "env: 3 is not an environment this app takes; use prod, staging, dev")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"ts\": \"2026-12-04 10:30:00\"}]}", "entries[0].ts: '2026-12-04 10:30:00' is not an RFC 3339 time with its offset (2026-12-04T10:30:00.123Z) nor Unix milliseconds")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"ts\": \"2026-12-04T10:30:00\"}]}", "entries[0].ts: '2026-12-04T10:30:00' is not an RFC 3339 time with its offset (2026-12-04T10:30:00.123Z) nor Unix milliseconds")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"ts\": 1796380199}]}", "entries[0].ts: 1796380199 is not Unix milliseconds (13 digits, as Date.now() gives)")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"ts\": true}]}", "entries[0].ts: must be an RFC 3339 string or Unix milliseconds, not a boolean")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}]}", "entries[0]: more than 3 fields; send at most 3 besides ts, level, env and message")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"x\": [[[[[1]]]]]}]}", "entries[0].x: nested deeper than 4 levels")]
    [InlineData("{\"entries\": [{\"message\": \"a\", \"x\": 1, \"x\": 2}]}", "entries[0].x: sent twice")]
    [InlineData("{\"session\": 12, \"entries\": [{\"message\": \"a\"}]}", "session: must be a string (the token the backend signed), not a number")]
    public void Read_ABatchThatCannotBeTaken_IsRefusedWhole_NamingWhereAndWhy(string json, string problem)
    {
        var (batch, problems) = Read(json);

        Assert.Null(batch);
        Assert.Equal(problem, problems[0].StartsWith("body: not JSON", StringComparison.Ordinal) ? problems[0][..problem.Length] : problems[0]);
    }

    [Theory]
    [InlineData("{\"entries\": [{\"message\": \"x\", \"f\": \"a\\ud83db\"}]}", "entries[0].f: not valid Unicode text (a lone surrogate such as \\ud83d, or bytes that are not UTF-8)")]
    [InlineData("{\"entries\": [{\"message\": \"\\udc00\"}]}", "entries[0].message: not valid Unicode text (a lone surrogate such as \\ud83d, or bytes that are not UTF-8)")]
    [InlineData("{\"entries\": [{\"message\": \"x\", \"\\ud800\": 1}]}", "entries[0]: the name of field 2 is not valid Unicode text (a lone surrogate, or bytes that are not UTF-8)")]
    [InlineData("{\"session\": \"\\ud800\", \"entries\": [{\"message\": \"x\"}]}", "session: not valid Unicode text (a lone surrogate such as \\ud83d, or bytes that are not UTF-8)")]
    public void Read_TextThatIsNotUnicode_IsRefused_NamingWhereItIs(string json, string problem)
    {
        var (batch, problems) = Read(json);

        Assert.Null(batch);
        Assert.Equal(problem, Assert.Single(problems));
    }

    [Fact]
    public void Read_BytesThatAreNotUtf8_AreRefused_NeverThrown()
    {
        var body = Encoding.UTF8.GetBytes("{\"entries\": [{\"message\": \"bad?\"}]}");
        body[Array.IndexOf(body, (byte)'?')] = 0xFF;

        var (batch, problems) = FrontendBatch.Read(body, s_limits, s_now);

        Assert.Null(batch);
        Assert.Contains("bytes that are not UTF-8", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnEmptySession_IsNone_AndAMessageSentTwice_IsNamedSo()
    {
        Assert.Null(Read("{\"session\": \"\", \"entries\": [{\"message\": \"x\"}]}").Batch!.Session);
        Assert.Equal("entries[0].message: sent twice", Read("{\"entries\": [{\"message\": \"x\", \"message\": \"y\"}]}").Problems[0]);
    }

    [Fact]
    public void Read_ManyBadEntries_NameTheFirstTen_AndStop()
    {
        var entries = string.Join(",", Enumerable.Repeat("{\"level\": 1}", 3));
        var (_, problems) = FrontendBatch.Read(Encoding.UTF8.GetBytes($$"""{"entries": [{{string.Join(",", Enumerable.Repeat(entries, 10))}}]}"""),
            new FrontendLimits { MaxEntries = 100 }, s_now);

        Assert.Equal(10, problems.Count);
        Assert.Equal("entries[9].level: 1 is not a level; use trace, debug, info (or log), warn (or warning), error, fatal (or critical)", problems[9]);
    }

    [Fact]
    public void Read_ATimeFarFromTheServersClock_IsStoredAtArrival_TheBrowsersKeptBesideIt()
    {
        var (batch, _) = Read("""{"entries": [{"message": "ahead", "ts": "2026-12-04T11:00:00+00:00"}, {"message": "old", "ts": 1700000000000}, {"message": "ok", "ts": "2026-12-04T12:25:00+02:00"}]}""");

        Assert.Equal((s_now, "2026-12-04T11:00:00+00:00"), (batch!.Entries[0].At, batch.Entries[0].ClientTime));
        Assert.Equal((s_now, "1700000000000"), (batch.Entries[1].At, batch.Entries[1].ClientTime));
        Assert.Equal((new DateTimeOffset(2026, 12, 4, 10, 25, 0, TimeSpan.Zero), null), (batch.Entries[2].At, batch.Entries[2].ClientTime));
    }
}
