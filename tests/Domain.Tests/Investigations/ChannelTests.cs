using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class ChannelTests
{
    private static readonly ApplicationProfile s_app = new(["10.0.1.5", "10.0.1.6"], ["tovplay-backend"], ["tovplay_app"]);

    private static AuditStatement Statement(string role = "tovplay_app", string? addr = "10.0.1.5", string? application = "tovplay-backend", string? correlation = "c-1", string? user = "player07") =>
        new(1, 901, DateTimeOffset.UnixEpoch, "public", "users", "DELETE", 40, role, role, addr, 50000, application, 4242, null, user, null, correlation, "/api/users", "DELETE FROM users WHERE ...");

    [Fact]
    public void ThroughTheApp_EverySignAgrees()
    {
        var verdict = Channel.Of(Statement(), s_app);

        Assert.Equal(ChannelKind.Application, verdict.Kind);
        Assert.Equal(
            "The change came through the application: it carries the application's correlation id c-1; the application set its user context (player07); the client program was tovplay-backend, the application's own name; it connected from 10.0.1.5, an application server; it used the application's database role tovplay_app.",
            verdict.Sentence);
    }

    [Fact]
    public void PsqlFromAStrangeAddress_IsAroundTheApp_SaidPlainly()
    {
        var verdict = Channel.Of(Statement(role: "dba", addr: "198.51.100.23", application: "psql", correlation: null, user: null), s_app);

        Assert.Equal(ChannelKind.Direct, verdict.Kind);
        Assert.Contains("the client program was psql (an interactive tool: psql)", verdict.Signs);
        Assert.Contains("it connected from 198.51.100.23, which is not one of the application servers (10.0.1.5, 10.0.1.6)", verdict.Signs);
        Assert.StartsWith("The change did not come through the application: ", verdict.Sentence);
    }

    [Fact]
    public void DBeaverOnALocalSocket_IsDirect_EvenWithTheAppsRole()
    {
        var verdict = Channel.Of(Statement(addr: null, application: "DBeaver 23.2.0 - SQLEditor", correlation: null, user: null), s_app);

        Assert.Equal(ChannelKind.Direct, verdict.Kind);
        Assert.Contains("although it used the application's database role tovplay_app", verdict.Signs);
    }

    [Fact]
    public void MixedSigns_AreUnclear_NotAGuess()
    {
        // The app's role and address, but no context and an unknown program name: maybe a job on an app server.
        var verdict = Channel.Of(Statement(application: "cron-cleanup", correlation: null, user: null), s_app);

        Assert.Equal(ChannelKind.Unclear, verdict.Kind);
        Assert.StartsWith("Whether the change came through the application is unclear: ", verdict.Sentence);
    }
}
