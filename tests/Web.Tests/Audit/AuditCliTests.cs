using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Web.Hosting;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>The <c>audit</c> verb of the app's executable, against a real TovPlay-like database.</summary>
public sealed class AuditCliTests(WebAppFixture fixture) : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();

    public ValueTask InitializeAsync() => _db.InitializeAsync();

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        await using var app = AppHost.Build(
            [$"--ConnectionStrings:AppDb={fixture.Database.ConnectionString}", $"--Audit:TargetConnection={_db.Database.ConnectionString}", $"--Audit:OwnerRole={_db.OwnerRole}"], forCli: true);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliVerbs.RunAsync(app, args, new StringReader(""), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task InstallOneTable_ThenStatus_ShowsItAuditedAndTheRestNot()
    {
        var install = await RunAsync("audit", "install", "--table", "public.users");
        var status = await RunAsync("audit", "status");

        Assert.Equal((0, ""), (install.Exit, install.Err));
        Assert.Equal($"Audit installed (version {AuditSql.Version}) on 1 table(s): public.users", install.Out.Trim());
        var lines = status.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^public\.users\s+Ordinary\s+Audited", lines.Single(l => l.StartsWith("public.users ", StringComparison.Ordinal)));
        Assert.Matches(@"^public\.notes\s+Ordinary\s+NotAudited", lines.Single(l => l.StartsWith("public.notes ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sql_PrintsTheScript_WithoutRunningIt()
    {
        var sql = await RunAsync("audit", "sql", "--table", "games");

        Assert.Equal(0, sql.Exit);
        Assert.Contains("CREATE TRIGGER tovplay_audit_delete AFTER DELETE ON \"public\".\"games\"", sql.Out);
        Assert.Empty(await _db.QueryAsync("SELECT 1 FROM pg_namespace WHERE nspname = 'tovplay_audit'"));
    }

    [Fact]
    public async Task Restore_PrintsTheScriptForATransaction()
    {
        await RunAsync("audit", "install", "--table", "public.notes");
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('keep me'); DELETE FROM notes;");
        }

        var tx = (await _db.QueryAsync("SELECT tx_id FROM tovplay_audit.statements WHERE action = 'DELETE'"))[0]["tx_id"]!.ToString()!;
        var restore = await RunAsync("audit", "restore", "--tx", tx);

        Assert.Equal((0, ""), (restore.Exit, restore.Err));
        Assert.StartsWith($"-- TovPlay Logs restore script for transaction {tx}", restore.Out);
        Assert.Contains("\"body\": \"keep me\"", restore.Out);

        var window = await RunAsync("audit", "restore", "--from", "now-1h", "--table", "notes");
        Assert.Equal((0, ""), (window.Exit, window.Err));
        Assert.Contains("\"body\": \"keep me\"", window.Out);
        var bad = await RunAsync("audit", "restore", "--from", "yesterday");
        Assert.Equal(2, bad.Exit);
        Assert.StartsWith("error: from: From: 'yesterday' is not a time.", bad.Err);
    }

    [Fact]
    public async Task SealThenVerify_IntactExitsZero_TamperedExitsOneNamingTheSeal()
    {
        await RunAsync("audit", "install", "--table", "public.notes");
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('a'); INSERT INTO notes VALUES ('b');");
        }

        var seal = await RunAsync("audit", "seal");
        var intact = await RunAsync("audit", "verify");
        await using (var admin = await _db.Database.OpenAsync())
        {
            await _db.ExecuteAsync(admin, "UPDATE tovplay_audit.statements SET session_role = 'nobody'");
        }

        var tampered = await RunAsync("audit", "verify");

        Assert.Equal((0, "Sealed 2 statement(s)."), (seal.Exit, seal.Out.Trim()));
        Assert.Equal((0, "The trail is intact: 1 seal(s), 2 statement(s)."), (intact.Exit, intact.Out.Trim()));
        Assert.Equal(1, tampered.Exit);
        Assert.EndsWith("The trail was tampered with: 1 of 1 seal(s) broken.", tampered.Out.Trim());
        Assert.Contains("the hash differs", tampered.Out);
    }

    [Theory]
    [InlineData(new[] { "audit" }, "error: audit needs one of status, sql, install, remove, restore, seal, verify.")]
    [InlineData(new[] { "audit", "restore", "--statement" }, "error: restore needs --tx ID, or one or more --statement ID.")]
    [InlineData(new[] { "audit", "restore", "--tx", "x" }, "error: restore needs --tx ID, or one or more --statement ID.")]
    [InlineData(new[] { "audit", "install" }, "error: give --all or at least one --table SCHEMA.NAME.")]
    [InlineData(new[] { "audit", "install", "--table", "public.nope" }, "error: no table 'public.nope' in the audited database.")]
    [InlineData(new[] { "audit", "remove", "--everything" }, "error: unexpected argument '--everything': give --all or --table SCHEMA.NAME.")]
    public async Task BadArguments_SayWhatIsWrong(string[] args, string message)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.Exit);
        Assert.Equal(message, result.Err.Trim());
    }
}
