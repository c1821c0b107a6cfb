using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class LineFactsTests
{
    private static RequestLine Line(string message, string job = "tovplay-backend") =>
        new(DateTimeOffset.UnixEpoch, job, new Dictionary<string, string> { ["msg"] = message }, $"{{\"msg\":\"{message}\"}}");

    [Theory]
    [InlineData("deployed version 2.5.0")]
    [InlineData("config reload: lobby pool size 5")]
    [InlineData("configuration changed: max_connections 200")]
    [InlineData("service started (version 2.4.1)")]
    [InlineData("starting the backend")]
    [InlineData("restarting after a crash")]
    [InlineData("migration 0042_add_index applied")]
    public void IsChange_WhatExplainsAShift_IsAChange(string message) => Assert.True(LineFacts.IsChange(Line(message)));

    [Theory]
    [InlineData("job started")]
    [InlineData("request completed")]
    [InlineData("user action")]
    [InlineData("configured nothing")]
    public void IsChange_RoutineLines_AreNot(string message) => Assert.False(LineFacts.IsChange(Line(message)));

    [Fact]
    public void ChangesQuery_SearchesTheMessage_NotTheWholeLine()
    {
        // On a busy service, lines that only mention a version elsewhere would fill the read before the deploy line.
        var frontend = LabelSet.From(("job", "tovplay-frontend"));
        var backend = LabelSet.From(("job", "tovplay-backend"));
        var source = new InMemoryLogSource(
        [
            new LogStream(frontend, [new LogEntry(1, """{"msg":"user action","user_agent":"Mozilla/5.0 (Macintosh) Version/18.1 Safari/605.1.15"}""")]),
            new LogStream(backend, [new LogEntry(2, """{"msg":"job started","job":"cleanup_sessions"}"""), new LogEntry(3, """{"level":"info","msg":"deployed version 2.5.0","version":"2.5.0"}""")]),
        ]);

        var found = LogQueryEvaluator.Run(Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(LineFacts.ChangesQuery)), source, 0, 10, Direction.Forward, 100).ToList();

        Assert.Equal([2L, 3L], found.Select(r => r.TimestampNs).Order());
    }
}
