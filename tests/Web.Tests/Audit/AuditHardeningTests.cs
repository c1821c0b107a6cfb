using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>The roles the trail watches can neither read, forge nor erase it, nor trick its functions.</summary>
public sealed class AuditHardeningTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('evidence')");
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task<PostgresException> RefusedAsync(string sql)
    {
        await using var app = await _db.OpenAsAppAsync();
        return await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync(app, sql));
    }

    [Theory]
    [InlineData("SELECT * FROM tovplay_audit.statements")]
    [InlineData("INSERT INTO tovplay_audit.statements (tx_id, statement_at, captured_at, table_oid, schema_name, table_name, action, row_count, session_role, backend_pid, trigger_depth) VALUES (1, now(), now(), 1, 'public', 'notes', 'DELETE', 1, 'x', 1, 1)")]
    [InlineData("UPDATE tovplay_audit.statements SET app_username = 'someone else'")]
    [InlineData("DELETE FROM tovplay_audit.statements")]
    [InlineData("TRUNCATE tovplay_audit.statements")]
    [InlineData("DROP TABLE tovplay_audit.statements")]
    [InlineData("SELECT tovplay_audit.note_invoker()")]
    [InlineData("ALTER TABLE notes DISABLE TRIGGER tovplay_audit_delete")]
    [InlineData("DROP TRIGGER tovplay_audit_delete ON notes")]
    public async Task AppRole_CannotReadForgeOrEraseTheTrail(string sql)
    {
        var refused = await RefusedAsync(sql);

        Assert.Contains(refused.SqlState, new[] { PostgresErrorCodes.InsufficientPrivilege });
        Assert.Single(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.statements WHERE table_name = 'notes'"));
    }

    [Fact]
    public async Task AppRole_CannotCallACaptureFunction()
    {
        var oid = (await _db.QueryAsync("SELECT 'notes'::regclass::oid AS oid"))[0]["oid"];

        var refused = await RefusedAsync($"SELECT tovplay_audit.capture_{oid}_delete()");

        Assert.Contains(refused.SqlState, new[] { PostgresErrorCodes.InsufficientPrivilege, PostgresErrorCodes.FeatureNotSupported });
    }

    [Fact]
    public async Task SearchPathHijack_OwnObjectsFirstInThePath_TheTrailStillGoesWhereItBelongs()
    {
        await using var app = await _db.OpenAsAppAsync();
        // An attacker's look-alikes, first in its search_path and in pg_temp: a fake statements table and
        // functions that would swallow the capture if any name were resolved through the path.
        await _db.ExecuteAsync(app, """
            CREATE TABLE pg_temp.statements (LIKE notes);
            CREATE FUNCTION pg_temp.nextval(regclass) RETURNS bigint LANGUAGE sql AS 'SELECT -1::bigint';
            CREATE FUNCTION public.txid_current() RETURNS bigint LANGUAGE sql AS 'SELECT -1::bigint';
            SET search_path = pg_temp, public;
            DELETE FROM notes;
            """);

        var delete = Assert.Single(await _db.QueryAsync("SELECT id, tx_id, row_count FROM tovplay_audit.statements WHERE table_name = 'notes' AND action = 'DELETE'"));
        Assert.True((long)delete["id"]! > 0);
        Assert.True((long)delete["tx_id"]! > 0);
        Assert.Equal(1L, delete["row_count"]);
    }

    [Fact]
    public async Task OwnerRole_CannotLogIn_AndIsNoSuperuser()
    {
        var role = Assert.Single(await _db.QueryAsync($"SELECT rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = {SqlText.Literal(_db.OwnerRole)}"));

        Assert.Equal((false, false, false), ((bool)role["rolcanlogin"]!, (bool)role["rolsuper"]!, (bool)role["rolbypassrls"]!));
    }
}
