using Npgsql;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Tests.Audit;

namespace TovPlay.Logs.Web.Tests.Investigations;

/// <summary>The mass-change guard in a real PostgreSQL: over the limit is refused (and changes nothing) unless the transaction says it means it.</summary>
public sealed class MassChangeGuardTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        var tables = await _db.Installer.TablesAsync(Ct);
        await _db.Installer.InstallAsync(tables, Ct);
        var guard = new MassChangeGuard(_db.Installer.Sql);
        await using var admin = await _db.Database.OpenAsync();
        await _db.ExecuteAsync(admin, guard.InstallFunctions() + guard.Install(tables.Single(t => t.Name == "users"), 5)
            + guard.Install(tables.Single(t => t.Name == "events"), 5));
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO users (username) SELECT 'u' || g FROM generate_series(1, 8) g");
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task<long> UsersAsync() => (long)(await _db.QueryAsync("SELECT count(*) AS n FROM users"))[0]["n"]!;

    [Theory]
    [InlineData("DELETE FROM users", "TovPlay mass-change guard: DELETE on public.users would change 8 rows, more than the limit of 5.")]
    [InlineData("UPDATE users SET email = 'x'", "TovPlay mass-change guard: UPDATE on public.users would change 8 rows, more than the limit of 5.")]
    [InlineData("TRUNCATE users CASCADE", "TovPlay mass-change guard: TRUNCATE of public.users would remove more than 5 rows.")]
    public async Task OverTheLimit_IsRefusedWithTheWayOut_AndNothingChanges(string sql, string message)
    {
        await using var app = await _db.OpenAsAppAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync(app, sql));

        Assert.Equal(message, refused.MessageText);
        Assert.Contains("SET LOCAL tovplay.allow_mass_change = on", refused.Hint);
        Assert.Equal(8, await UsersAsync());
        Assert.Empty(await _db.QueryAsync("SELECT 1 FROM users WHERE email = 'x'"));
    }

    [Fact]
    public async Task WithinTheLimit_OrWithTheOverride_GoesThrough()
    {
        await using var app = await _db.OpenAsAppAsync();

        await _db.ExecuteAsync(app, "DELETE FROM users WHERE id <= 3");
        Assert.Equal(5, await UsersAsync());
        await _db.ExecuteAsync(app, "INSERT INTO users (username) SELECT 'v' || g FROM generate_series(1, 4) g");
        await _db.ExecuteAsync(app, "BEGIN; SET LOCAL tovplay.allow_mass_change = on; DELETE FROM users; COMMIT;");
        Assert.Equal(0, await UsersAsync());
    }

    [Fact]
    public async Task ALookAlikeOverrideOnTheSearchPath_ChangesNothing()
    {
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, """
            CREATE FUNCTION public.current_setting(text, boolean) RETURNS text LANGUAGE sql AS $$ SELECT 'on' $$;
            CREATE FUNCTION public.count(anyelement) RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;
            """);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync(app, "SET search_path = public, pg_catalog; DELETE FROM users"));

        Assert.StartsWith("TovPlay mass-change guard: DELETE", refused.MessageText);
        Assert.Equal(8, await UsersAsync());
    }

    [Fact]
    public async Task APartitionedTable_IsGuardedThroughItsParent()
    {
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO events SELECT g, DATE '2026-01-01' + g, 'e' FROM generate_series(1, 7) g");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync(app, "DELETE FROM events"));

        Assert.StartsWith("TovPlay mass-change guard: DELETE on public.events would change 7 rows", refused.MessageText);
    }
}
