using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>Statements live in monthly partitions; retention drops whole months with their row images, and the seal tells expiry from tampering.</summary>
public sealed class AuditRetentionTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private AuditSeal Seal() => new(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole }));

    private async Task<List<string>> PartitionsAsync() =>
        [.. (await _db.QueryAsync("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'tovplay_audit.statements'::regclass ORDER BY 1"))
            .Select(r => (string)r["relname"]!)];

    [Fact]
    public async Task Install_PartitionsStatementsByMonth_ThisMonthAndTwoAhead_PlusADefault()
    {
        var now = DateTime.UtcNow;
        string Month(int ahead) => "statements_" + new DateTime(now.Year, now.Month, 1).AddMonths(ahead).ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal([Month(0), Month(1), Month(2), "statements_default"], await PartitionsAsync());
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('now')");
        Assert.Equal(Month(0), (await _db.QueryAsync("SELECT tableoid::regclass::text AS p FROM tovplay_audit.statements"))[0]["p"]!.ToString()!.Split('.')[^1]);
        // The application's role still sees none of it.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => _db.ExecuteAsync(app, $"SELECT * FROM tovplay_audit.{Month(0)}"));
    }

    [Fact]
    public async Task Retention_DropsExpiredMonths_AndTheirRowImages_NotesIt_AndTheSealCallsThemExpiredNotBroken()
    {
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO notes SELECT 'old ' || g FROM generate_series(1, 5) g");
            await _db.ExecuteAsync(app, "DELETE FROM notes");
        }

        var seal = Seal();
        Assert.Equal(2, await seal.SealAsync(Ct));
        var installer = new AuditInstaller(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole, RetentionMonths = 12 }));

        // Thirteen months from now, every month that exists today is past a 12-month retention.
        var dropped = await installer.MaintainPartitionsAsync(DateTimeOffset.UtcNow.AddMonths(15), Ct);

        Assert.Equal(3, dropped.Count);
        Assert.Equal(["statements_default"], await PartitionsAsync());
        Assert.Empty(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.statements"));
        var oid = (await _db.QueryAsync("SELECT 'notes'::regclass::oid AS oid"))[0]["oid"];
        Assert.Empty(await _db.QueryAsync($"SELECT 1 FROM tovplay_audit.rows_{oid}"));
        var noted = await _db.QueryAsync("SELECT partition_name, statement_count FROM tovplay_audit.retention ORDER BY id");
        Assert.Equal(2L, noted.Sum(r => (long)r["statement_count"]!));

        // Capture goes on: the default partition takes what no month partition covers.
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('after retention')");
        }

        Assert.Equal(1, await seal.SealAsync(Ct));
        var findings = await seal.VerifyAsync(Ct);
        Assert.True(findings[0].Expired, findings[0].Describe());
        Assert.False(findings[0].Broken);
        Assert.True(findings[1].Intact, findings[1].Describe());
    }

    [Fact]
    public async Task RetentionZero_KeepsEverything()
    {
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('kept')");
        }

        var installer = new AuditInstaller(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole, RetentionMonths = 0 }));

        Assert.Empty(await installer.MaintainPartitionsAsync(DateTimeOffset.UtcNow.AddYears(5), Ct));
        Assert.Single(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.statements"));
    }
}
