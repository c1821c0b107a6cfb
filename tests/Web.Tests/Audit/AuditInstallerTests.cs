using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>Installing, reinstalling, removing and the coverage report, against a real PostgreSQL.</summary>
public sealed class AuditInstallerTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();

    public ValueTask InitializeAsync() => _db.InitializeAsync();

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Dictionary<string, TableCoverage>> CoverageAsync() =>
        (await _db.Installer.CoverageAsync(Ct)).ToDictionary(c => c.Table.Name);

    [Fact]
    public async Task Tables_ReadsKindsKeysAndGeneratedColumns()
    {
        var tables = (await _db.Installer.TablesAsync(Ct)).ToDictionary(t => t.Name);

        Assert.Equal([TovPlayDatabase.HostileTable, "events", "events_new", "events_old", "friendships", "games", "notes", "sessions", "users"], tables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TableKind.Partitioned, tables["events"].Kind);
        Assert.Equal((TableKind.Partition, tables["events"].Oid), (tables["events_old"].Kind, tables["events_old"].ParentOid!.Value));
        Assert.Equal(["user_id", "friend_id"], tables["friendships"].PrimaryKey);
        Assert.Empty(tables["notes"].PrimaryKey);
        Assert.True(tables["games"].Columns.Single(c => c.Name == "title_lower").Generated);
        Assert.Equal("text[]", tables["games"].Columns.Single(c => c.Name == "tags").Type);
    }

    [Fact]
    public async Task ATableWithAColumnNamedLikeTheTrailsOwn_IsRefusedWithTheReason()
    {
        await using (var admin = await _db.Database.OpenAsync())
        {
            await _db.ExecuteAsync(admin, "CREATE TABLE clash (id int PRIMARY KEY, \"audit$image\" text)");
        }

        var clash = (await _db.Installer.TablesAsync(Ct)).Single(t => t.Name == "clash");

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _db.Installer.InstallAsync([clash], Ct));

        Assert.Contains("public.clash has a column named audit$image", refused.Message);
    }

    [Fact]
    public async Task UpgradeFromVersion1_RenamesTheShadowsOwnColumns_KeepingTheRows()
    {
        var tables = await _db.Installer.TablesAsync(Ct);
        await _db.Installer.InstallAsync(tables, Ct);
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('before the upgrade')");
        }

        var oid = (await _db.QueryAsync("SELECT 'notes'::regclass::oid AS oid"))[0]["oid"];
        await using (var admin = await _db.Database.OpenAsync())
        {
            // How version 1 left the shadow table.
            await _db.ExecuteAsync(admin, $"""
                ALTER TABLE tovplay_audit.rows_{oid} RENAME "audit$statement" TO statement_id;
                ALTER TABLE tovplay_audit.rows_{oid} RENAME "audit$image" TO image;
                ALTER TABLE tovplay_audit.rows_{oid} RENAME "audit$ordinal" TO ordinal;
                UPDATE tovplay_audit.audited_tables SET version = 1;
                """);
        }

        Assert.Contains(await _db.Installer.CoverageAsync(Ct), c => c.State == CoverageState.Outdated);
        await _db.Installer.InstallAsync(tables, Ct);
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('after the upgrade')");
        }

        var kept = await _db.QueryAsync($"SELECT body, \"audit$image\" AS image FROM tovplay_audit.rows_{oid} ORDER BY \"audit$statement\"");
        Assert.Equal(["before the upgrade", "after the upgrade"], kept.Select(r => (string)r["body"]!));
        Assert.All(await _db.Installer.CoverageAsync(Ct), c => Assert.Equal(CoverageState.Audited, c.State));
    }

    [Fact]
    public async Task Install_Twice_IsIdempotent_AndEveryTableIsAudited()
    {
        var tables = await _db.Installer.TablesAsync(Ct);

        await _db.Installer.InstallAsync(tables, Ct);
        await _db.Installer.InstallAsync(tables, Ct);

        Assert.All(await _db.Installer.CoverageAsync(Ct), c => Assert.Equal(CoverageState.Audited, c.State));
        Assert.Single(await _db.QueryAsync("SELECT * FROM tovplay_audit.installation"));
        Assert.Equal(5, (await _db.QueryAsync("SELECT tgname FROM pg_trigger WHERE tgrelid = 'users'::regclass AND tgname LIKE 'tovplay_audit_%'")).Count);
    }

    [Fact]
    public async Task Coverage_NamesNewTables_PartitionsWithoutTriggers_DisabledAndMissingTriggers()
    {
        await _db.Installer.InstallAsync((await _db.Installer.TablesAsync(Ct)).Where(t => t.Name is "users" or "games" or "sessions" or "events").ToList(), Ct);
        await using (var admin = await _db.Database.OpenAsync())
        {
            await _db.ExecuteAsync(admin, """
                CREATE TABLE achievements (id int PRIMARY KEY);
                ALTER TABLE games DISABLE TRIGGER tovplay_audit_delete;
                DROP TRIGGER tovplay_audit_truncate ON sessions;
                """);
        }

        var coverage = await CoverageAsync();

        Assert.Equal(CoverageState.Audited, coverage["users"].State);
        Assert.Equal(CoverageState.NewSinceInstall, coverage["achievements"].State);
        Assert.Equal(CoverageState.NotAudited, coverage["notes"].State);
        Assert.Equal(CoverageState.PartitionMissingTriggers, coverage["events_old"].State);
        Assert.Equal((CoverageState.Broken, "Trigger tovplay_audit_delete is disabled (ALTER TABLE ... DISABLE TRIGGER): those changes are not captured."), (coverage["games"].State, coverage["games"].Reason));
        Assert.Equal((CoverageState.Broken, "Trigger tovplay_audit_truncate is missing: those changes are not captured."), (coverage["sessions"].State, coverage["sessions"].Reason));
    }

    [Fact]
    public async Task Remove_StopsCapture_AndKeepsWhatWasCaptured()
    {
        var users = (await _db.Installer.TablesAsync(Ct)).Where(t => t.Name == "users").ToList();
        await _db.Installer.InstallAsync(users, Ct);
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO users (username) VALUES ('before removal')");

        await _db.Installer.RemoveAsync(users, Ct);
        await _db.ExecuteAsync(app, "INSERT INTO users (username) VALUES ('after removal')");

        Assert.Single(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.statements WHERE table_name = 'users'"));
        Assert.Equal(CoverageState.NotAudited, (await CoverageAsync())["users"].State);
        Assert.Empty(await _db.QueryAsync("SELECT tgname FROM pg_trigger WHERE tgrelid = 'users'::regclass AND tgname LIKE 'tovplay_audit_%'"));
    }

    [Fact]
    public async Task Preview_IsExactlyWhatInstallRuns_AndQuotesHostileNames()
    {
        var hostile = (await _db.Installer.TablesAsync(Ct)).Where(t => t.Name == TovPlayDatabase.HostileTable).ToList();

        var sql = _db.Installer.PreviewInstall(hostile);

        Assert.Contains("\"public\".\"Robert'); DROP TABLE users;--\"", sql);
        Assert.DoesNotContain("ON Robert", sql);
        await _db.Installer.InstallAsync(hostile, Ct);
        Assert.Equal(CoverageState.Audited, (await CoverageAsync())[TovPlayDatabase.HostileTable].State);
    }

    [Fact]
    public async Task NotConfigured_SaysWhichSettingIsMissing()
    {
        var installer = new Web.Audit.AuditInstaller(Microsoft.Extensions.Options.Options.Create(new Web.Audit.AuditOptions()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => installer.TablesAsync(Ct));

        Assert.Contains("Audit:TargetConnection", error.Message);
    }
}
