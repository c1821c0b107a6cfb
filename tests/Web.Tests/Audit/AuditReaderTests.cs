using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>The Audit page's reads and downloads: statements by filter, a statement's rows, one row's history, CSV and JSON export, restore scripts.</summary>
public sealed class AuditReaderTests(WebAppFixture fixture) : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private TestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AuditReader Reader => _app.Services.GetRequiredService<AuditReader>();

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _app = _db.StartApp(fixture.Database.ConnectionString, ("Audit:Seal", "false"));
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, """
            INSERT INTO users (id, username, email) VALUES (1, 'ann', 'ann@example.org'), (2, 'bob', '=cmd|calc');
            INSERT INTO games (id, owner_id, title) VALUES (10, NULL, 'Chess');
            """);
        await _db.ExecuteAsync(app, "BEGIN; SET LOCAL tovplay.username = 'mallory'; SET LOCAL tovplay.correlation_id = 'c-77'; UPDATE users SET email = 'ann@evil.example' WHERE id = 1; COMMIT;");
        await _db.ExecuteAsync(app, "UPDATE users SET id = 3 WHERE id = 1");
        await _db.ExecuteAsync(app, "BEGIN; SET LOCAL tovplay.username = 'mallory'; DELETE FROM users WHERE id = 2; COMMIT;");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static AuditFilter Filter(params (string Name, string Value)[] values)
    {
        Assert.True(AuditFilter.TryRead(n => values.FirstOrDefault(v => v.Name == n).Value, out var filter, out var errors), string.Join("; ", errors));
        return filter;
    }

    [Fact]
    public async Task Search_NarrowsByEachField_NewestFirst_AndPagesOn()
    {
        var all = await Reader.SearchAsync(Filter(), null, 100, Ct);
        Assert.Equal(["DELETE", "UPDATE", "UPDATE", "INSERT", "INSERT"], all.Select(s => s.Action));

        var mallory = await Reader.SearchAsync(Filter(("user", "mallory"), ("table", "public.users")), null, 100, Ct);
        Assert.Equal(["DELETE", "UPDATE"], mallory.Select(s => s.Action));
        Assert.Equal("c-77", Assert.Single(await Reader.SearchAsync(Filter(("correlation", "c-77")), null, 100, Ct)).CorrelationId);
        Assert.Equal(2, (await Reader.SearchAsync(Filter(("action", "update"), ("role", _db.AppRole)), null, 100, Ct)).Count);
        Assert.Equal(["games"], (await Reader.SearchAsync(Filter(("table", "games")), null, 100, Ct)).Select(s => s.Table));
        Assert.Empty(await Reader.SearchAsync(Filter(("client", "198.51.100.1")), null, 100, Ct));
        var tx = all[0].TxId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(all[0].Id, Assert.Single(await Reader.SearchAsync(Filter(("tx", tx)), null, 100, Ct)).Id);

        var firstPage = await Reader.SearchAsync(Filter(), null, 2, Ct);
        var secondPage = await Reader.SearchAsync(Filter(), firstPage[^1].Id, 2, Ct);
        Assert.Equal(all.Skip(2).Take(2).Select(s => s.Id), secondPage.Select(s => s.Id));
    }

    [Fact]
    public async Task Changes_OfAnUpdate_PairBeforeAndAfter_WithTheChangedColumns_InTableOrder()
    {
        var update = (await Reader.SearchAsync(Filter(("correlation", "c-77")), null, 1, Ct))[0];

        var change = Assert.Single(await Reader.ChangesAsync(update, Ct));

        Assert.Equal(["email"], change.ChangedColumns);
        Assert.Equal(["id", "username", "email", "created_at"], change.Columns.Select(c => c.Name));
        Assert.Equal(("\"ann@example.org\"", "\"ann@evil.example\""), (change.Columns[2].Before, change.Columns[2].After));
    }

    [Fact]
    public async Task History_FollowsOneRowThroughItsKeyChange()
    {
        var users = (await Reader.SearchAsync(Filter(("table", "users")), null, 100, Ct))[0];
        Assert.Equal(["id"], await Reader.KeyColumnsAsync(users.TableOid, Ct));

        var history = await Reader.HistoryAsync(users.TableOid, """{"id":1}""", Ct);

        Assert.Equal(["INSERT", "UPDATE", "UPDATE"], history.Select(v => v.Statement.Action));
        Assert.Equal(["id"], history[2].Change.ChangedColumns);
        // From the key it has now, the same history (its first versions were under id 1).
        var now = await Reader.HistoryAsync(users.TableOid, """{"id":3}""", Ct);
        Assert.Equal([history[2].Statement.Id], now.Select(v => v.Statement.Id));
        Assert.Equal("{\"id\":3}", now[0].Change.Key(["id"]));
    }

    [Fact]
    public async Task Export_IsForInvestigators_CsvDefusesFormulas_JsonHasEveryField_BadInputIs400WithTheField()
    {
        var viewer = await _app.CreateUserAsync("Viewer");
        var investigator = await _app.CreateUserAsync("Investigator");
        using var asViewer = await SignInClient.SignedInAsync(_app, new TestUser(viewer.Email, viewer.Password));
        using var asInvestigator = await SignInClient.SignedInAsync(_app, new TestUser(investigator.Email, investigator.Password));
        using var anonymous = _app.CreateClient();

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/logs/api/audit/export?format=csv") { Headers = { Accept = { new("text/csv") } } })
        using (var refused = await asViewer.SendAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var refused = await anonymous.GetAsync("/logs/api/audit/export?format=csv", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var csv = await asInvestigator.GetStringAsync("/logs/api/audit/export?format=csv&table=users&action=DELETE", Ct);
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("time,statement_id,txid,", rows[0], StringComparison.Ordinal);
        Assert.Contains(",DELETE,1,", rows[1]);

        var json = JsonDocument.Parse(await asInvestigator.GetStringAsync("/logs/api/audit/export?format=json&user=mallory", Ct)).RootElement;
        Assert.Equal(["DELETE", "UPDATE"], json.EnumerateArray().Select(s => s.GetProperty("action").GetString()));
        Assert.Equal("mallory", json[0].GetProperty("app_username").GetString());

        using var bad = await asInvestigator.GetAsync("/logs/api/audit/export?format=csv&client=not-an-ip", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("client: 'not-an-ip' is not an IP address.", (await bad.Content.ReadAsStringAsync(Ct)).Trim());
    }

    [Fact]
    public async Task RestoreScript_ForADeleteOrAWindow_IsADownload_AnInsertIsRefusedWithWhy()
    {
        var investigator = await _app.CreateUserAsync("Investigator");
        using var client = await SignInClient.SignedInAsync(_app, new TestUser(investigator.Email, investigator.Password));
        var statements = await Reader.SearchAsync(Filter(("table", "users")), null, 100, Ct);

        using var script = await client.GetAsync("/logs/" + AuditEndpoints.ScriptLink(statements[0].Id, false), Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("attachment", script.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("=cmd|calc", await script.Content.ReadAsStringAsync(Ct));

        using var refused = await client.GetAsync("/logs/" + AuditEndpoints.ScriptLink(statements[^1].Id, false), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("is an INSERT", await refused.Content.ReadAsStringAsync(Ct));

        // Everything mallory did to users, taken back in one script: the deleted row back, the update undone.
        var window = await client.GetStringAsync("/logs/" + AuditEndpoints.WindowScriptLink(Filter(("table", "users"), ("user", "mallory"))), Ct);
        Assert.Contains("-- public.users: 1 row(s)", window);
        Assert.Contains("take back UPDATE statement", window);
        using var nothing = await client.GetAsync("/logs/" + AuditEndpoints.WindowScriptLink(Filter(("table", "games"), ("action", "DELETE"))), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        Assert.Equal("Nothing in this window was deleted, truncated or updated.", (await nothing.Content.ReadAsStringAsync(Ct)).Trim());
    }

    [Fact]
    public async Task Run_NeedsTheTableName_PutsTheRowsBackInOneTransaction_AndTheTrailNamesWhoRestored()
    {
        var restore = _app.Services.GetRequiredService<AuditRestore>();
        var delete = (await Reader.SearchAsync(Filter(("action", "DELETE")), null, 1, Ct))[0];

        await Assert.ThrowsAsync<RestoreNotConfirmedException>(() => restore.RunAsync(delete.Id, false, "games", new RestoringUser("admin@tovplay.org", "42"), Ct));
        Assert.Empty(await _db.QueryAsync("SELECT 1 FROM users WHERE id = 2"));

        var made = await restore.RunAsync(delete.Id, false, "public.users", new RestoringUser("admin@tovplay.org", "42"), Ct);

        var back = Assert.Single(await _db.QueryAsync("SELECT username, email FROM users WHERE id = 2"));
        Assert.Equal(("bob", "=cmd|calc"), ((string)back["username"]!, (string)back["email"]!));
        var insert = Assert.Single(made);
        Assert.Equal(("INSERT", 1L, "admin@tovplay.org", "tovplay-logs restore"), (insert.Action, insert.Rows, insert.AppUsername, insert.Application));
    }
}
