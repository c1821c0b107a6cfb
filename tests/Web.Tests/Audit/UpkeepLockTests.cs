using Npgsql;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>
/// The audit trail's upkeep beside a transaction left open after an audited write (a forgotten psql session): it must
/// not queue behind it, since every audited write would then queue behind the upkeep.
/// </summary>
public sealed class UpkeepLockTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        var tables = (await _db.Installer.TablesAsync(Ct)).Where(t => t.Name is "users" or "notes").ToList();
        await _db.Installer.InstallAsync(tables, Ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task PartitionUpkeep_BesideAnOpenAuditedWrite_FinishesAtOnce_AndOtherWritesGoOn()
    {
        await using var forgotten = await _db.OpenAsAppAsync("psql");
        await using (var write = new NpgsqlCommand("BEGIN; INSERT INTO users (username) VALUES ('left-open')", forgotten))
        {
            await write.ExecuteNonQueryAsync(Ct);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(20));
        var upkeep = _db.Installer.MaintainPartitionsAsync(DateTimeOffset.UtcNow, bound.Token);
        await using var other = await _db.OpenAsAppAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO notes VALUES ('written beside it')", other))
        {
            await insert.ExecuteNonQueryAsync(bound.Token);
        }

        Assert.Empty(await upkeep);
        await using (var rollback = new NpgsqlCommand("ROLLBACK", forgotten))
        {
            await rollback.ExecuteNonQueryAsync(Ct);
        }
    }
}
