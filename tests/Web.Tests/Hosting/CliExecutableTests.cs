using System.Net;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Web.Tests.Audit;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Hosting;

/// <summary>
/// The verbs a deployment runs, through the app's own executable in Production with settings from the environment
/// only: provisioning a push key for promtail without a browser, checking every source, and the audit verbs with no
/// app database configured at all.
/// </summary>
public sealed class CliExecutableTests(WebAppFixture fixture) : IAsyncLifetime
{
    private readonly TovPlayDatabase _tovplay = new();

    public ValueTask InitializeAsync() => _tovplay.InitializeAsync();

    public ValueTask DisposeAsync() => _tovplay.DisposeAsync();

    private Dictionary<string, string> AppDb => new() { ["ConnectionStrings__AppDb"] = fixture.Database.ConnectionString };

    [Fact]
    public async Task ApiKeyCreate_PrintsOnlyTheKey_WhichPushes_ListShowsIt_AndRevokeByNameStopsIt()
    {
        var name = $"promtail-{Guid.NewGuid():N}"[..20];

        var created = await AppExecutable.RunAsync(AppDb, null, "api-key", "create", "--name", name, "--scope", "push");

        Assert.True(created.Exit == 0, created.Err);
        var token = Assert.Single(created.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Trim();
        Assert.StartsWith($"Created API key '{name}' (", created.Err, StringComparison.Ordinal);
        using var pusher = new LokiPushClient(fixture.App, token);
        await pusher.PushAsync(new Dictionary<string, string> { ["job"] = "cli-tests" }, (LokiPushClient.NowNs, "provisioned without a browser"));
        // Push only: reading with it is refused.
        Assert.Equal(403, (await pusher.GetAsync("labels")).Status);

        var list = await AppExecutable.RunAsync(AppDb, null, "api-key", "list");
        var row = Assert.Single(list.Out.Split('\n'), l => l.Contains($" {name} ", StringComparison.Ordinal));
        Assert.Matches($@"^[0-9a-f]{{12}}\s+{name}\s+push\s+active\s+\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}\s+\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}\s+cli:", row);
        Assert.DoesNotContain(token, list.Out, StringComparison.Ordinal);

        var revoked = await AppExecutable.RunAsync(AppDb, null, "api-key", "revoke", "--name", name);

        Assert.True(revoked.Exit == 0, revoked.Err);
        Assert.StartsWith($"Revoked API key '{name}' (", revoked.Out, StringComparison.Ordinal);
        // The running server caches keys for a few seconds: wait for the refusal, not for a time.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromMinutes(1));
        HttpStatusCode status;
        do
        {
            using var response = await pusher.PushJsonAsync(LokiPushClient.PushBody(new Dictionary<string, string> { ["job"] = "cli-tests" }, (LokiPushClient.NowNs, "after revoke")));
            status = response.StatusCode;
            await Task.Delay(200, bound.Token);
        }
        while (status != HttpStatusCode.Unauthorized);

        var again = await AppExecutable.RunAsync(AppDb, null, "api-key", "revoke", "--name", name);
        Assert.Equal((1, "error: no active key matches; `api-key list` shows them."), (again.Exit, again.Err.Trim()));
        var listed = await AppExecutable.RunAsync(AppDb, null, "api-key", "list");
        Assert.Matches($@"\s{name}\s+push\s+revoked\s", listed.Out);
        var rows = await AuditRows.ForTargetAsync(fixture.Database, $"{name} ({row.Split(' ')[0]})");
        Assert.Equal([Domain.Security.AppAuditActions.ApiKeyCreated, Domain.Security.AppAuditActions.ApiKeyRevoked], rows.Select(r => r.Action).Order());
    }

    /// <summary>
    /// run.sh starts the app in Development, where the host checks that nothing scoped is taken from the root: the
    /// verbs an operator of such an install runs beside it must work there too (api-key failed with "Cannot resolve
    /// scoped service ... from root provider").
    /// </summary>
    [Fact]
    public async Task TheVerbs_RunInDevelopment_AsARunShInstallHasIt()
    {
        var development = new Dictionary<string, string>(AppDb) { ["ASPNETCORE_ENVIRONMENT"] = "Development" };
        var name = $"dev-{Guid.NewGuid():N}"[..16];

        var created = await AppExecutable.RunAsync(development, null, "api-key", "create", "--name", name, "--scope", "read");
        var listed = await AppExecutable.RunAsync(development, null, "api-key", "list");
        var revoked = await AppExecutable.RunAsync(development, null, "api-key", "revoke", "--name", name);

        Assert.True(created.Exit == 0, created.Err);
        Assert.True(listed.Exit == 0, listed.Err);
        Assert.Contains($" {name} ", listed.Out, StringComparison.Ordinal);
        Assert.True(revoked.Exit == 0, revoked.Err);
    }

    [Theory]
    [InlineData("error: api-key create needs --name and at least one --scope (push or read).", "api-key", "create", "--name", "x")]
    [InlineData("error: --scope: 'write' is not a scope; use push or read.", "api-key", "create", "--name", "x", "--scope", "write")]
    [InlineData("error: --rate: 'fast' is not a positive number of bytes per second.", "api-key", "create", "--name", "x", "--scope", "push", "--rate", "fast")]
    [InlineData("error: api-key needs one of create, list, revoke.", "api-key")]
    [InlineData("error: api-key revoke needs a key id or --name NAME.", "api-key", "revoke")]
    [InlineData("error: unexpected argument '--json': status takes none.", "status", "--json")]
    public async Task BadArguments_SayWhatIsWrong_AndExitTwo(string message, params string[] args)
    {
        var outcome = await AppExecutable.RunAsync(AppDb, null, args);

        Assert.Equal((2, message), (outcome.Exit, outcome.Err.Trim()));
    }

    [Fact]
    public async Task Status_ChecksEverySource_AndExitsOne_OnlyWhenOneFails()
    {
        var healthy = await AppExecutable.RunAsync(AppDb, null, "status");

        Assert.True(healthy.Exit == 0, healthy.Out + healthy.Err);
        var lines = healthy.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ok             App database: Reachable; its schema is up to date.", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("not set up     Audited database: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" Logs (embedded store): ", StringComparison.Ordinal));
        Assert.Equal("All 5 source(s) answer.", lines[^1]);

        // The audited database configured but down: that source fails, and so does the check.
        var closed = LoopbackServer.FreePort();
        var down = await AppExecutable.RunAsync(new Dictionary<string, string>(AppDb) { ["Audit__TargetConnection"] = $"Host=127.0.0.1;Port={closed};Username=x;Database=x;Timeout=3" }, null, "status");

        Assert.Equal(1, down.Exit);
        Assert.Contains(down.Out.Split('\n'), l => l.StartsWith("FAILING        Audited database: Could not be read: ", StringComparison.Ordinal));
        Assert.EndsWith("1 of 5 source(s) failing.", down.Out.Trim(), StringComparison.Ordinal);

        // No app database at all: reported as failing, with the setting to set, not a crash.
        var none = await AppExecutable.RunAsync(new Dictionary<string, string>(), null, "status");

        Assert.Equal(1, none.Exit);
        Assert.Contains("FAILING        App database: Could not be reached: No connection string for the app database: set ConnectionStrings:AppDb", none.Out, StringComparison.Ordinal);
        Assert.Contains("FAILING        Logs (embedded store): Could not be read: No connection string for the app database", none.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerbs_RunWithNoAppDatabaseConfigured()
    {
        var audited = new Dictionary<string, string> { ["Audit__TargetConnection"] = _tovplay.Database.ConnectionString, ["Audit__OwnerRole"] = _tovplay.OwnerRole };

        var install = await AppExecutable.RunAsync(audited, null, "audit", "install", "--table", "public.notes");
        var status = await AppExecutable.RunAsync(audited, null, "audit", "status");
        await using (var connection = await _tovplay.Database.OpenAsync())
        {
            await using var delete = new Npgsql.NpgsqlCommand("INSERT INTO notes VALUES ('kept'); DELETE FROM notes", connection);
            await delete.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var restore = await AppExecutable.RunAsync(audited, null, "audit", "restore", "--from", "now-1h", "--table", "notes");

        Assert.True(install.Exit == 0, install.Err);
        Assert.Equal($"Audit installed (version {AuditSql.Version}) on 1 table(s): public.notes", install.Out.Trim());
        Assert.True(status.Exit == 0, status.Err);
        Assert.Matches(@"(?m)^public\.notes\s+\S+\s+Audited", status.Out);
        Assert.True(restore.Exit == 0, restore.Err);
        Assert.Contains("kept", restore.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("No connection string", install.Err + status.Err + restore.Err, StringComparison.Ordinal);
    }
}
