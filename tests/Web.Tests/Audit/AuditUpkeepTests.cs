using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>The capture follows ALTER TABLE on its own; a disabled trigger is left for a person to see.</summary>
public sealed class AuditUpkeepTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private AuditUpkeep _upkeep = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _upkeep = new AuditUpkeep(Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole }), _db.Installer, TimeProvider.System, NullLogger<AuditUpkeep>.Instance);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task ColumnsChanged_AreFollowed_RowsGoBackToTheShadowTableWithTheNewColumn()
    {
        await _db.ExecuteAsOwnerAsync("ALTER TABLE games ADD COLUMN rating integer; ALTER TABLE games DROP COLUMN tags;");

        var regenerated = await _upkeep.RunOnceAsync(Ct);

        Assert.Equal(["games"], regenerated.Select(t => t.Name));
        Assert.Equal(CoverageState.Audited, (await _db.Installer.CoverageAsync(Ct)).Single(c => c.Table.Name == "games").State);
        Assert.Empty(await _upkeep.RunOnceAsync(Ct));
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO users (id, username) VALUES (1, 'a'); INSERT INTO games (id, owner_id, title, rating) VALUES (1, 1, 'Rated', 5); DELETE FROM games;");
        var oid = (await _db.QueryAsync("SELECT 'games'::regclass::oid AS oid"))[0]["oid"];
        var kept = Assert.Single(await _db.QueryAsync($"SELECT rating FROM tovplay_audit.rows_{oid} WHERE \"audit$image\" = 'O'"));
        Assert.Equal(5, kept["rating"]);
        Assert.Empty(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.rows_fallback"));
    }

    [Fact]
    public async Task ADisabledTrigger_IsNotQuietlyPutBack()
    {
        await _db.ExecuteAsOwnerAsync("ALTER TABLE notes DISABLE TRIGGER tovplay_audit_delete");

        Assert.Empty(await _upkeep.RunOnceAsync(Ct));

        Assert.Equal(CoverageState.Broken, (await _db.Installer.CoverageAsync(Ct)).Single(c => c.Table.Name == "notes").State);
    }
}
