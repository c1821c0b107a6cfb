using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>What the installed triggers capture, against a real PostgreSQL with a TovPlay-like schema.</summary>
public sealed class AuditCaptureTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        var tables = await _db.Installer.TablesAsync(TestContext.Current.CancellationToken);
        await _db.Installer.InstallAsync(tables, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private Task<List<Dictionary<string, object?>>> StatementsAsync(string table) =>
        _db.QueryAsync($"SELECT * FROM tovplay_audit.statements WHERE table_name = {SqlText.Literal(table)} ORDER BY id");

    private async Task<List<Dictionary<string, object?>>> RowsAsync(string table, long statementId)
    {
        var oid = (await _db.QueryAsync($"SELECT {SqlText.Literal(table)}::regclass::oid AS oid"))[0]["oid"];
        return await _db.QueryAsync($"SELECT * FROM tovplay_audit.rows_{oid} WHERE \"audit$statement\" = {statementId} ORDER BY \"audit$image\" DESC, \"audit$ordinal\", 4");
    }

    [Fact]
    public async Task DeleteThroughTheApp_KeepsEveryRowAndWhoWhenFromWhere()
    {
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO users (username, email) SELECT 'user' || g, 'u' || g || '@x.org' FROM generate_series(1, 5) g");
            await _db.ExecuteAsync(app, """
                BEGIN;
                SET LOCAL tovplay.username = 'mallory';
                SET LOCAL tovplay.user_id = '42';
                SET LOCAL tovplay.correlation_id = '6f1c2a9e-0000-4000-8000-000000000001';
                SET LOCAL tovplay.request_path = '/api/users';
                SET LOCAL tovplay.client_ip = '203.0.113.9';
                DELETE FROM users WHERE id <= 3;
                COMMIT;
                """);
        }

        var delete = (await StatementsAsync("users")).Single(s => (string)s["action"]! == "DELETE");
        Assert.Equal(3L, delete["row_count"]);
        Assert.Equal(_db.AppRole, delete["session_role"]);
        Assert.Equal(_db.AppRole, delete["invoking_role"]);
        Assert.Equal("tovplay-backend", delete["application_name"]);
        Assert.Equal("127.0.0.1", delete["client_addr"]?.ToString());
        Assert.NotNull(delete["client_port"]);
        Assert.Equal(("mallory", "42", "/api/users", "203.0.113.9"), (delete["app_username"], delete["app_user_id"], delete["request_path"], delete["app_client_ip"]));
        Assert.Equal("6f1c2a9e-0000-4000-8000-000000000001", delete["correlation_id"]);
        Assert.Contains("DELETE FROM users WHERE id <= 3", (string)delete["query"]!);
        Assert.Equal(1, delete["trigger_depth"]);
        var rows = await RowsAsync("users", (long)delete["id"]!);
        Assert.Equal(["user1", "user2", "user3"], rows.Select(r => (string)r["username"]!).Order());
        Assert.All(rows, r => Assert.Equal('O', (char)r["audit$image"]!));
    }

    [Fact]
    public async Task ContextSettings_EmptyAfterAnEarlierSetLocal_IsNull()
    {
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "BEGIN; SET LOCAL tovplay.username = 'alice'; INSERT INTO notes VALUES ('first'); COMMIT;");
        await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('second')");

        var inserts = await StatementsAsync("notes");
        Assert.Equal(["alice", null], inserts.Select(s => s["app_username"]));
    }

    [Fact]
    public async Task Update_KeepsBothImages_PairedByOrdinal_AndAKeyChangeKeepsBothHalves()
    {
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO users (id, username) VALUES (100, 'ann'); INSERT INTO games (id, owner_id, title) VALUES (1, 100, 'Chess'), (2, 100, 'Go')");

        await _db.ExecuteAsync(app, "UPDATE games SET title = upper(title), image = 'cover.png', ordinal = 7");
        await _db.ExecuteAsync(app, "UPDATE games SET id = id + 10 WHERE id = 1");

        var updates = (await StatementsAsync("games")).Where(s => (string)s["action"]! == "UPDATE").ToList();
        Assert.Equal([2L, 1L], updates.Select(u => u["row_count"]));
        var titles = await RowsAsync("games", (long)updates[0]["id"]!);
        var pairs = titles.GroupBy(r => r["audit$ordinal"]).Select(g => (Old: (string)g.Single(r => (char)r["audit$image"]! == 'O')["title"]!, New: (string)g.Single(r => (char)r["audit$image"]! == 'N')["title"]!)).OrderBy(p => p.Old).ToList();
        Assert.Equal([("Chess", "CHESS"), ("Go", "GO")], pairs);
        var chess = titles.Single(r => (char)r["audit$image"]! == 'N' && (string)r["title"]! == "CHESS");
        Assert.Equal("chess", chess["title_lower"]);
        // The table's own image and ordinal columns are kept like any other, beside the trail's.
        Assert.Equal(("cover.png", 7), ((string)chess["image"]!, (int)chess["ordinal"]!));
        var key = await RowsAsync("games", (long)updates[1]["id"]!);
        Assert.Equal([(long?)1, 11], key.Select(r => (long?)r["id"]));
    }

    [Fact]
    public async Task Truncate_KeepsEveryRow_AndCascadeCapturesEachTable()
    {
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, """
            INSERT INTO users (id, username) SELECT g, 'u' || g FROM generate_series(200, 299) g;
            INSERT INTO sessions (token, user_id) SELECT 't' || g, g FROM generate_series(200, 249) g;
            """);

        await _db.ExecuteAsync(app, "TRUNCATE users CASCADE");

        var users = (await StatementsAsync("users")).Single(s => (string)s["action"]! == "TRUNCATE");
        var sessions = (await StatementsAsync("sessions")).Single(s => (string)s["action"]! == "TRUNCATE");
        Assert.Equal(100L, users["row_count"]);
        Assert.Equal(50L, sessions["row_count"]);
        Assert.Equal(users["tx_id"], sessions["tx_id"]);
        Assert.Equal(100, (await RowsAsync("users", (long)users["id"]!)).Count);
        Assert.Equal("t200", (await RowsAsync("sessions", (long)sessions["id"]!)).Select(r => (string)r["token"]!).Order().First());
    }

    [Fact]
    public async Task OnDeleteCascade_ChildrenAreCapturedToo_WithTheParentsStatementAndCaller()
    {
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO users (id, username) VALUES (300, 'bob'); INSERT INTO sessions (token, user_id) VALUES ('s1', 300), ('s2', 300)");

        await _db.ExecuteAsync(app, "DELETE FROM users WHERE id = 300");

        var child = (await StatementsAsync("sessions")).Single(s => (string)s["action"]! == "DELETE");
        var parent = (await StatementsAsync("users")).Single(s => (string)s["action"]! == "DELETE");
        Assert.Equal(2L, child["row_count"]);
        Assert.Equal(parent["tx_id"], child["tx_id"]);
        Assert.Equal("DELETE FROM users WHERE id = 300", child["query"]);
        // The cascade runs as the table owner; the caller is still the application.
        Assert.Equal(_db.AppRole, child["invoking_role"]);
    }

    [Fact]
    public async Task Copy_IsCapturedLikeAnInsert()
    {
        await using var app = await _db.OpenAsAppAsync();
        await using (var writer = await app.BeginTextImportAsync("COPY notes (body) FROM STDIN", TestContext.Current.CancellationToken))
        {
            await writer.WriteAsync("one\ntwo\nthree\n");
        }

        var copy = Assert.Single(await StatementsAsync("notes"));
        Assert.Equal(("INSERT", 3L), ((string)copy["action"]!, (long)copy["row_count"]!));
        Assert.Contains("COPY notes", (string)copy["query"]!);
    }

    [Fact]
    public async Task SetRole_TheInvokingRoleIsKeptBesideTheSessionRole()
    {
        var ops = "ops_" + _db.Suffix;
        await using (var admin = await _db.Database.OpenAsync())
        {
            await _db.ExecuteAsync(admin, $"CREATE ROLE {ops} LOGIN PASSWORD 'Ops-Passw0rd'; GRANT {_db.AppRole} TO {ops};");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(_db.Database.ConnectionString) { Username = ops, Password = "Ops-Passw0rd", Pooling = false, ApplicationName = "psql" };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await _db.ExecuteAsync(connection, $"SET ROLE {_db.AppRole}; DELETE FROM notes; INSERT INTO notes VALUES ('as app')");

            var insert = Assert.Single(await StatementsAsync("notes"));
            Assert.Equal((ops, _db.AppRole, "psql"), ((string)insert["session_role"]!, (string)insert["invoking_role"]!, (string)insert["application_name"]!));
        }
        finally
        {
            await using var admin = await _db.Database.OpenAsync();
            await _db.ExecuteAsync(admin, $"DROP OWNED BY {ops}; DROP ROLE {ops};");
        }
    }

    [Fact]
    public async Task HostileTableName_IsAuditedAndNothingElseHappens()
    {
        await using var app = await _db.OpenAsAppAsync();
        var table = SqlText.Ident(TovPlayDatabase.HostileTable);
        await _db.ExecuteAsync(app, $"INSERT INTO users (username) VALUES ('still here'); INSERT INTO {table} VALUES (1, 'x'); DELETE FROM {table};");

        var statements = await StatementsAsync(TovPlayDatabase.HostileTable);
        Assert.Equal(["INSERT", "DELETE"], statements.Select(s => (string)s["action"]!));
        Assert.Single(await _db.QueryAsync("SELECT 1 FROM users WHERE username = 'still here'"));
    }

    [Fact]
    public async Task PartitionedTable_ChangesThroughTheParent_AndTruncateOfTheParent_AreCapturedOnce()
    {
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO events VALUES (1, '2020-05-01', 'old'), (2, '2026-05-01', 'new'), (3, '2027-01-01', 'newer')");

        await _db.ExecuteAsync(app, "TRUNCATE events");

        var insert = Assert.Single(await StatementsAsync("events"));
        Assert.Equal(("INSERT", 3L), ((string)insert["action"]!, (long)insert["row_count"]!));
        var truncates = (await _db.QueryAsync("SELECT table_name, row_count FROM tovplay_audit.statements WHERE action = 'TRUNCATE' AND table_name LIKE 'events%' ORDER BY table_name"))
            .Select(r => ((string)r["table_name"]!, (long)r["row_count"]!)).ToList();
        Assert.Equal([("events_new", 2L), ("events_old", 1L)], truncates);
    }

    [Fact]
    public async Task PartitionChangedDirectly_IsCapturedOnThePartition_AndOnlyThere()
    {
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO events_old VALUES (1, '2020-05-01', 'direct')");
        await _db.ExecuteAsync(app, "UPDATE events_old SET payload = 'changed'");
        await _db.ExecuteAsync(app, "DELETE FROM events_old");

        Assert.Empty(await StatementsAsync("events"));
        var direct = await StatementsAsync("events_old");
        Assert.Equal(["INSERT", "UPDATE", "DELETE"], direct.Select(s => (string)s["action"]!));
        var deleted = Assert.Single(await RowsAsync("events_old", (long)direct[2]["id"]!));
        Assert.Equal("changed", deleted["payload"]);
    }

    [Fact]
    public async Task ADroppedColumn_NeverFailsTheApplicationsStatement_RowsAreKeptAsJson_AndCoverageSaysOutdated()
    {
        await using (var admin = await _db.Database.OpenAsync())
        {
            await _db.ExecuteAsync(admin, "ALTER TABLE games DROP COLUMN tags");
        }

        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO users (id, username) VALUES (400, 'cy'); INSERT INTO games (id, owner_id, title) VALUES (40, 400, 'Drift')");
        await _db.ExecuteAsync(app, "DELETE FROM games WHERE id = 40");

        var delete = (await StatementsAsync("games")).Single(s => (string)s["action"]! == "DELETE");
        var kept = await _db.QueryAsync($"SELECT row_image->>'title' AS title FROM tovplay_audit.rows_fallback WHERE statement_id = {delete["id"]}");
        Assert.Equal("Drift", Assert.Single(kept)["title"]);
        var games = (await _db.Installer.CoverageAsync(TestContext.Current.CancellationToken)).Single(c => c.Table.Name == "games");
        Assert.Equal(CoverageState.Outdated, games.State);
    }

    [Fact]
    public async Task ConcurrentWriters_EveryStatementIsCapturedOnce_WithItsOwnRowsAndCaller()
    {
        const int Writers = 8, Rounds = 25;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async w =>
        {
            await using var app = await _db.OpenAsAppAsync($"writer-{w}");
            for (var r = 0; r < Rounds; r++)
            {
                await _db.ExecuteAsync(app, $"BEGIN; SET LOCAL tovplay.username = 'w{w}'; INSERT INTO notes VALUES ('w{w} r{r} a'), ('w{w} r{r} b'); DELETE FROM notes WHERE body = 'w{w} r{r} a'; COMMIT;");
            }
        }));

        var statements = await StatementsAsync("notes");
        Assert.Equal(Writers * Rounds * 2, statements.Count);
        Assert.Equal(statements.Count, statements.Select(s => s["id"]).Distinct().Count());
        Assert.All(statements, s => Assert.Equal("writer-" + ((string)s["app_username"]!)[1..], s["application_name"]));
        Assert.All(statements.Where(s => (string)s["action"]! == "DELETE"), s => Assert.Equal(1L, s["row_count"]));
        var oid = (await _db.QueryAsync("SELECT 'notes'::regclass::oid AS oid"))[0]["oid"];
        var images = await _db.QueryAsync($"""
            SELECT s.app_username, r.body FROM tovplay_audit.rows_{oid} r JOIN tovplay_audit.statements s ON s.id = r."audit$statement" WHERE s.action = 'DELETE'
            """);
        Assert.Equal(Writers * Rounds, images.Count);
        Assert.All(images, i => Assert.StartsWith((string)i["app_username"]! + " ", (string)i["body"]!));
    }
}
