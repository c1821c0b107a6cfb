using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>Restore round trips: remove rows, generate the script from the trail, run it, and the data is as before.</summary>
public sealed class AuditRestoreTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private AuditRestore _restore = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _restore = new AuditRestore(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole }),
            new AuditReader(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole }), TimeProvider.System), TimeProvider.System);
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, """
            INSERT INTO users (username, email) SELECT 'user' || g, CASE WHEN g % 2 = 0 THEN 'u' || g || '@x.org' END FROM generate_series(1, 40) g;
            INSERT INTO games (id, owner_id, title, tags) SELECT g, 1 + g % 40, 'Game ''' || g || ''' $audit$', ARRAY['t' || g, NULL] FROM generate_series(1, 60) g;
            INSERT INTO sessions (token, user_id) SELECT 'tok' || g, 1 + g % 40 FROM generate_series(1, 30) g;
            INSERT INTO friendships (user_id, friend_id, since) SELECT g, g + 1, DATE '2026-01-01' + g FROM generate_series(1, 39) g;
            """);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private Task<List<Dictionary<string, object?>>> SnapshotAsync() => _db.QueryAsync("""
        SELECT 'users' AS t, to_jsonb(u)::text AS row FROM users u UNION ALL SELECT 'games', to_jsonb(g)::text FROM games g
        UNION ALL SELECT 'sessions', to_jsonb(s)::text FROM sessions s UNION ALL SELECT 'friendships', to_jsonb(f)::text FROM friendships f
        ORDER BY 1, 2
        """);

    private async Task RunScriptAsync(string script)
    {
        await using var admin = await _db.Database.OpenAsync();
        await _db.ExecuteAsync(admin, script);
    }

    [Fact]
    public async Task DeleteWithCascade_RestoredForTheTransaction_GivesBackEveryRowOfEveryTable()
    {
        var before = await SnapshotAsync();
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "DELETE FROM users WHERE id <= 20");
        }

        Assert.NotEqual(before.Count, (await SnapshotAsync()).Count);
        var tx = (long)(await _db.QueryAsync("SELECT tx_id FROM tovplay_audit.statements WHERE table_name = 'users' AND action = 'DELETE'"))[0]["tx_id"]!;

        var script = await _restore.ForTransactionAsync(tx, Ct);
        await RunScriptAsync(script);

        Assert.Equal(before.Select(r => r["row"]), (await SnapshotAsync()).Select(r => r["row"]));
        // Parents go back before the rows that reference them.
        Assert.True(script.IndexOf("-- public.users:", StringComparison.Ordinal) < script.IndexOf("-- public.games:", StringComparison.Ordinal));
        Assert.Contains("statement ", script);
    }

    [Fact]
    public async Task TruncateCascade_RestoredForTheTransaction_GivesBackEverything_AndTheSequenceMovesOn()
    {
        var before = await SnapshotAsync();
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "TRUNCATE users CASCADE");
        }

        var tx = (long)(await _db.QueryAsync("SELECT tx_id FROM tovplay_audit.statements WHERE action = 'TRUNCATE' LIMIT 1"))[0]["tx_id"]!;
        await RunScriptAsync(await _restore.ForTransactionAsync(tx, Ct));

        Assert.Equal(before.Select(r => r["row"]), (await SnapshotAsync()).Select(r => r["row"]));
        await using var app2 = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app2, "INSERT INTO users (username) VALUES ('after restore')");
        Assert.True((long)(await _db.QueryAsync("SELECT id FROM users WHERE username = 'after restore'"))[0]["id"]! > 40);
    }

    [Fact]
    public async Task Restore_RunTwice_ChangesNothingTheSecondTime_AndLeavesRowsThatCameBack()
    {
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "DELETE FROM sessions WHERE token IN ('tok1', 'tok2')");
            await _db.ExecuteAsync(app, "INSERT INTO sessions (token, user_id) VALUES ('tok1', 5)");
        }

        var id = (long)(await _db.QueryAsync("SELECT id FROM tovplay_audit.statements WHERE table_name = 'sessions' AND action = 'DELETE'"))[0]["id"]!;
        var script = await _restore.ForStatementsAsync([id], Ct);
        await RunScriptAsync(script);
        await RunScriptAsync(script);

        var sessions = await _db.QueryAsync("SELECT token, user_id FROM sessions WHERE token IN ('tok1', 'tok2') ORDER BY token");
        Assert.Equal([("tok1", 5L), ("tok2", 3L)], sessions.Select(s => ((string)s["token"]!, (long)s["user_id"]!)));
    }

    [Fact]
    public async Task Restore_OfAnInsert_IsRefusedWithWhy()
    {
        var insert = (long)(await _db.QueryAsync("SELECT id FROM tovplay_audit.statements WHERE table_name = 'users' AND action = 'INSERT'"))[0]["id"]!;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _restore.ForStatementsAsync([insert], Ct));

        Assert.Equal($"Statement {insert} is an INSERT: only rows removed by DELETE, TRUNCATE or DROP TABLE, or changed by UPDATE, can be restored this way.", error.Message);
        Assert.Equal("No audited statement 999999.", (await Assert.ThrowsAsync<InvalidOperationException>(() => _restore.ForStatementsAsync([999999], Ct))).Message);
    }

    [Fact]
    public async Task Updates_TakenBack_NewestFirst_LeavingRowsChangedSince_AndSayingWhich()
    {
        var before = await SnapshotAsync();
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, """
                BEGIN;
                UPDATE users SET email = 'wiped@x.org' WHERE id <= 10;
                UPDATE users SET username = username || '-renamed', email = NULL WHERE id <= 5;
                UPDATE games SET tags = NULL, title = 'x' WHERE owner_id = 3;
                COMMIT;
                """);
            // Someone changed user 9 again afterwards: taking the wipe back must not undo that.
            await _db.ExecuteAsync(app, "UPDATE users SET email = 'own-choice@x.org' WHERE id = 9");
        }

        var tx = (long)(await _db.QueryAsync("SELECT tx_id FROM tovplay_audit.statements WHERE table_name = 'games' AND action = 'UPDATE'"))[0]["tx_id"]!;
        var script = await _restore.ForTransactionAsync(tx, Ct);
        await RunScriptAsync(script);

        var after = await SnapshotAsync();
        var user9 = after.Single(r => ((string)r["row"]!).Contains("\"username\": \"user9\"", StringComparison.Ordinal));
        Assert.Contains("own-choice@x.org", (string)user9["row"]!);
        Assert.Equal(before.Where(r => !((string)r["row"]!).Contains("\"username\": \"user9\"", StringComparison.Ordinal)).Select(r => r["row"]),
            after.Where(r => r != user9).Select(r => r["row"]));
        Assert.Matches(@"-- statement \d+: 1 of 10 row\(s\) changed since \(or are gone\) and stay as they are now, e\.g\. \{.*""id"": 9", script);
        Assert.DoesNotContain("SET (\"id\"", script);
    }

    [Fact]
    public async Task AnUpdate_IsTakenBack_OnRowsWhoseOtherColumnsChangedSince()
    {
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "UPDATE users SET email = 'wiped@x.org' WHERE id <= 10");
            // Ordinary use afterwards touches another column of a wiped row: the wipe is still to be taken back there.
            await _db.ExecuteAsync(app, "UPDATE users SET username = 'user9-later' WHERE id = 9");
        }

        var tx = (long)(await _db.QueryAsync("SELECT tx_id FROM tovplay_audit.statements WHERE table_name = 'users' AND action = 'UPDATE' ORDER BY id LIMIT 1"))[0]["tx_id"]!;
        await RunScriptAsync(await _restore.ForTransactionAsync(tx, Ct));

        var emails = await _db.QueryAsync("SELECT id, username, email FROM users WHERE id <= 10 ORDER BY id");
        Assert.DoesNotContain(emails, r => (string?)r["email"] == "wiped@x.org");
        Assert.Equal("user9-later", emails.Single(r => (long)r["id"]! == 9)["username"]);
    }

    [Fact]
    public async Task Window_RestoresEveryRemovalAndUpdateTheFilterFinds()
    {
        var before = await SnapshotAsync();
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "DELETE FROM friendships WHERE user_id < 10");
            await _db.ExecuteAsync(app, "UPDATE sessions SET user_id = 1");
        }

        Assert.True(Domain.Audit.AuditFilter.TryRead(n => n switch { "from" => "now-10m", "to" => "now", _ => null }, out var window, out _));
        await RunScriptAsync(await _restore.ForFilterAsync(window, Ct));

        Assert.Equal(before.Select(r => r["row"]), (await SnapshotAsync()).Select(r => r["row"]));
    }

    [Fact]
    public async Task ATableNamedToInjectSql_IsRestored_AndItsNameStaysInsideTheScriptsComments()
    {
        // Once, the name's line break ended the "-- schema.table" comment and running the script dropped public.users.
        const string evil = "evil\nDROP TABLE public.users; --";
        await _db.ExecuteAsOwnerAsync($"CREATE TABLE public.\"{evil}\" (id bigint PRIMARY KEY, note text); GRANT ALL ON public.\"{evil}\" TO {_db.AppRole};");
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, $"INSERT INTO \"{evil}\" SELECT g, 'row ' || g FROM generate_series(1, 3) g; DELETE FROM \"{evil}\";");
        }

        var tx = (long)(await _db.QueryAsync("SELECT tx_id FROM tovplay_audit.statements WHERE action = 'DELETE' AND table_name LIKE 'evil%'"))[0]["tx_id"]!;
        var script = await _restore.ForTransactionAsync(tx, Ct);
        await RunScriptAsync(script);

        Assert.Contains("-- public.evil DROP TABLE public.users; --: 3 row(s)", script, StringComparison.Ordinal);
        Assert.Equal(40L, (await _db.QueryAsync("SELECT count(*) AS n FROM public.users"))[0]["n"]);
        Assert.Equal(3L, (await _db.QueryAsync($"SELECT count(*) AS n FROM public.\"{evil}\""))[0]["n"]);
    }
}
