using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>DDL capture: rows kept before DROP TABLE, drops that cannot keep them refused, DDL logged with who ran it.</summary>
public sealed class AuditDdlTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await using (var admin = await _db.Database.OpenAsync())
        {
            await _db.ExecuteAsync(admin, "CREATE SCHEMA game_data; CREATE TABLE game_data.scores (id int PRIMARY KEY, points int); INSERT INTO game_data.scores SELECT g, g * 10 FROM generate_series(1, 5) g;");
        }

        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO notes SELECT 'note ' || g FROM generate_series(1, 25) g");
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task DropTable_KeepsEveryRowFirst_AndTheRecreatedTableCanBeRestored()
    {
        await _db.ExecuteAsOwnerAsync("DROP TABLE notes");

        var drop = Assert.Single(await _db.QueryAsync("SELECT id, row_count, session_role FROM tovplay_audit.statements WHERE action = 'DROP TABLE'"));
        Assert.Equal(25L, drop["row_count"]);
        Assert.Equal("rows kept", Assert.Single(await _db.QueryAsync("SELECT note FROM tovplay_audit.ddl_events WHERE event = 'sql_drop'"))["note"]);

        await _db.ExecuteAsOwnerAsync("CREATE TABLE notes (body text)");
        var restore = new AuditRestore(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole }),
            new AuditReader(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole }), TimeProvider.System), TimeProvider.System);
        await _db.ExecuteAsOwnerAsync(await restore.ForStatementsAsync([(long)drop["id"]!], Ct));
        Assert.Equal(25L, (await _db.QueryAsync("SELECT count(*) AS n FROM notes"))[0]["n"]);
    }

    [Fact]
    public async Task DropSchemaCascade_ThatWouldTakeAnAuditedTableUnkept_IsRefused_UnlessExplicitlyAllowed()
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsOwnerAsync("DROP SCHEMA game_data CASCADE"));
        Assert.Contains("game_data.scores is audited and its rows could not be kept before this drop (DROP SCHEMA)", refused.MessageText);
        Assert.Single(await _db.QueryAsync("SELECT 1 FROM pg_namespace WHERE nspname = 'game_data'"));

        await _db.ExecuteAsOwnerAsync("BEGIN; SET LOCAL tovplay_audit.allow_unkept_drop = on; DROP SCHEMA game_data CASCADE; COMMIT;");

        var logged = Assert.Single(await _db.QueryAsync("SELECT object_identity, note FROM tovplay_audit.ddl_events WHERE event = 'sql_drop'"));
        Assert.Equal("game_data.scores", logged["object_identity"]);
        Assert.StartsWith("dropped WITHOUT its rows", (string)logged["note"]!);
    }

    [Fact]
    public async Task Switches_RefusalOff_LetsTheDropThroughLogged_KeepOff_KeepsNothing_CaptureOff_RemovesTheEventTriggers()
    {
        AuditInstaller With(bool capture = true, bool keep = true, bool refuse = true) => new(Options.Create(new AuditOptions
        {
            TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole, CaptureDdl = capture, KeepRowsBeforeDrop = keep, RefuseUnkeptDrop = refuse,
        }));

        var noRefusal = With(refuse: false);
        await noRefusal.InstallAsync(await noRefusal.TablesAsync(Ct), Ct);
        await _db.ExecuteAsOwnerAsync("DROP SCHEMA game_data CASCADE");
        Assert.Equal("dropped WITHOUT its rows (the refusal is switched off)",
            Assert.Single(await _db.QueryAsync("SELECT note FROM tovplay_audit.ddl_events WHERE event = 'sql_drop'"))["note"]);

        var noKeeping = With(keep: false, refuse: false);
        await noKeeping.InstallAsync(await noKeeping.TablesAsync(Ct), Ct);
        await _db.ExecuteAsOwnerAsync("DROP TABLE notes");
        Assert.Empty(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.statements WHERE action = 'DROP TABLE'"));
        Assert.Equal(["tovplay_audit_ddl_end", "tovplay_audit_sql_drop"], await EventTriggersAsync());

        var off = With(capture: false);
        await off.InstallAsync(await off.TablesAsync(Ct), Ct);
        Assert.Empty(await EventTriggersAsync());
    }

    private async Task<List<string>> EventTriggersAsync() =>
        [.. (await _db.QueryAsync("SELECT evtname FROM pg_event_trigger WHERE evtname LIKE 'tovplay\\_audit%' ORDER BY 1")).Select(r => (string)r["evtname"]!)];

    [Fact]
    public async Task DropThroughDynamicSql_ThatHidesTheName_IsRefused()
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsOwnerAsync("DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'no' || 'tes'; END $$"));

        Assert.Contains("public.notes is audited", refused.MessageText);
        Assert.Equal(25L, (await _db.QueryAsync("SELECT count(*) AS n FROM notes"))[0]["n"]);
    }

    [Fact]
    public async Task DisablingAnAuditTrigger_IsLoggedWithWhoDidIt()
    {
        await _db.ExecuteAsOwnerAsync("ALTER TABLE notes DISABLE TRIGGER tovplay_audit_delete");

        var logged = Assert.Single(await _db.QueryAsync("SELECT command_tag, object_identity, note, session_role, query FROM tovplay_audit.ddl_events WHERE note IS NOT NULL"));
        Assert.Equal(("ALTER TABLE", "public.notes"), ((string)logged["command_tag"]!, (string)logged["object_identity"]!));
        Assert.Contains("a trigger was disabled", (string)logged["note"]!);
        Assert.Contains("DISABLE TRIGGER tovplay_audit_delete", (string)logged["query"]!);
    }
}
