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
    public async Task AColumnTypeChanged_TheShadowFollows_KeepingWhatItHeld_ConvertedOrBesideIt()
    {
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO games (id, title, ordinal, image) VALUES (1, 'Before', 7, 'cover.png'); DELETE FROM games;");
        }

        // One that converts (int to text) and one that does not (text to int).
        await _db.ExecuteAsOwnerAsync("ALTER TABLE games ALTER COLUMN ordinal TYPE text; ALTER TABLE games ALTER COLUMN image TYPE integer USING length(image);");
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO games (id, title, ordinal, image) VALUES (2, 'Meanwhile', 'eighth', 9)");
        }

        Assert.Equal(["games"], (await _upkeep.RunOnceAsync(Ct)).Select(t => t.Name));
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "INSERT INTO games (id, title, ordinal, image) VALUES (3, 'After', 'ninth', 10)");
        }

        var oid = (await _db.QueryAsync("SELECT 'games'::regclass::oid AS oid"))[0]["oid"];
        var kept = await _db.QueryAsync($"SELECT title, ordinal, image, \"image$1\" AS old_image FROM tovplay_audit.rows_{oid} ORDER BY \"audit$statement\", \"audit$image\" DESC");
        Assert.Equal([("Before", "7", null, "cover.png"), ("Before", "7", null, "cover.png"), ("After", "ninth", 10, null)],
            kept.Select(r => ((string)r["title"]!, (string)r["ordinal"]!, (int?)r["image"], (string?)r["old_image"])));
        // The one in between was kept as jsonb while the capture was out of step.
        Assert.Single(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.rows_fallback WHERE row_image ->> 'title' = 'Meanwhile'"));
    }

    [Fact]
    public async Task ADisabledTrigger_IsNotQuietlyPutBack()
    {
        await _db.ExecuteAsOwnerAsync("ALTER TABLE notes DISABLE TRIGGER tovplay_audit_delete");

        Assert.Empty(await _upkeep.RunOnceAsync(Ct));

        Assert.Equal(CoverageState.Broken, (await _db.Installer.CoverageAsync(Ct)).Single(c => c.Table.Name == "notes").State);
    }
}
