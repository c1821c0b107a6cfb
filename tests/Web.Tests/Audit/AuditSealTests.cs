using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>The hash-chain seal: intact when untouched; an edited, removed or inserted statement or row breaks its checkpoint.</summary>
public sealed class AuditSealTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private AuditSeal _seal = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _seal = new AuditSeal(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole }));
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO users (username) SELECT 'u' || g FROM generate_series(1, 10) g");
        // A rolled-back statement leaves a gap in the ids, where a forger could slip a statement in.
        await _db.ExecuteAsync(app, "BEGIN; INSERT INTO notes VALUES ('rolled back'); ROLLBACK;");
        await _db.ExecuteAsync(app, "DELETE FROM users WHERE id <= 4");
        Assert.Equal(2, await _seal.SealAsync(Ct));
        await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('later')");
        Assert.Equal(1, await _seal.SealAsync(Ct));
        Assert.Equal(0, await _seal.SealAsync(Ct));
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Untouched_EveryCheckpointIsIntact()
    {
        var findings = await _seal.VerifyAsync(Ct);

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.True(f.Intact, f.Describe()));
    }

    [Fact]
    public async Task NoTrailInstalled_SealsNothingWithoutFailing()
    {
        var elsewhere = new AuditSeal(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, Schema = "not_installed_here" }));

        Assert.Null(await elsewhere.SealCheckpointAsync(Ct));
    }

    [Theory]
    [InlineData("UPDATE tovplay_audit.statements SET app_username = 'someone else' WHERE action = 'DELETE'", "the hash differs")]
    [InlineData("DELETE FROM tovplay_audit.statements WHERE action = 'DELETE'", "2 statement(s) sealed, 1 found, so some were removed")]
    [InlineData("INSERT INTO tovplay_audit.statements SELECT 2, tx_id, statement_at, captured_at, table_oid, schema_name, table_name, 'DELETE', 0, session_role, invoking_role, client_addr, client_port, application_name, backend_pid, app_user_id, app_username, app_client_ip, correlation_id, request_path, trigger_depth, query FROM tovplay_audit.statements WHERE action = 'INSERT' AND table_name = 'users'", "so some were inserted")]
    public async Task StatementTamperedWith_BreaksItsCheckpointOnly(string tamper, string expected)
    {
        await _db.ExecuteAsOwnerAsync(tamper);

        var findings = await _seal.VerifyAsync(Ct);

        Assert.False(findings[0].Intact);
        Assert.Contains(expected, findings[0].Describe());
        Assert.True(findings[1].Intact, findings[1].Describe());
    }

    [Fact]
    public async Task ARowImageEditedOrRemoved_BreaksTheCheckpoint()
    {
        var oid = (await _db.QueryAsync("SELECT 'users'::regclass::oid AS oid"))[0]["oid"];
        await _db.ExecuteAsOwnerAsync($"UPDATE tovplay_audit.rows_{oid} SET username = 'forged' WHERE username = 'u1' AND \"audit$image\" = 'O'");

        var edited = await _seal.VerifyAsync(Ct);

        Assert.False(edited[0].Intact);
        Assert.Contains("the hash differs", edited[0].Describe());
    }

    [Fact]
    public async Task ACheckpointRemovedToHideAStatement_IsCaughtByTheNextOnesLink()
    {
        // Remove a statement and its checkpoint, as someone covering their tracks would.
        await _db.ExecuteAsOwnerAsync("DELETE FROM tovplay_audit.statements WHERE action = 'DELETE'; DELETE FROM tovplay_audit.seals WHERE id = (SELECT min(id) FROM tovplay_audit.seals);");

        var findings = await _seal.VerifyAsync(Ct);

        var finding = Assert.Single(findings);
        Assert.False(finding.Intact);
        Assert.Contains("the hash differs", finding.Describe());
    }
}
