using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.DatabaseHealth;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.DatabaseHealth;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.DatabaseHealth;

/// <summary>The sampler of a running app writing the audited database's connections into the app database, and the chart's reading of them.</summary>
public sealed class SamplingTests : IAsyncLifetime
{
    private TestDatabase _appDb = null!;
    private TestDatabase _target = null!;
    private TestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _appDb = await TestDatabase.CreateAsync("sampling_app");
        _target = await TestDatabase.CreateAsync("sampling_target");
        _app = new TestApp(_appDb.ConnectionString, new Dictionary<string, string?>
        {
            ["Audit:TargetConnection"] = _target.ConnectionString,
            ["DatabaseHealth:SampleInterval"] = "00:00:01",
        });
        _ = _app.ServerAddress;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _target.DisposeAsync();
        await _appDb.DisposeAsync();
    }

    [Fact]
    public async Task TheRunningApp_SamplesEveryInterval_OnTheGrid_AndTheChartReadsThemBack()
    {
        var samples = _app.Services.GetRequiredService<DatabaseSamples>();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        IReadOnlyList<DatabaseSample> rows;
        do
        {
            await Task.Delay(100, bound.Token);
            rows = await samples.RangeAsync(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromSeconds(1), bound.Token);
        }
        while (rows.Count < 3);

        Assert.All(rows, r => Assert.Equal(0, r.At.UtcTicks % TimeSpan.TicksPerSecond));
        Assert.All(rows, r => Assert.True(r.Used >= 1 && r.MaxConnections > r.Used && r.Headroom > 0, $"{r.Used} of {r.MaxConnections}, {r.Headroom} left"));
        Assert.All(rows, r => Assert.Null(r.BouncerClientsActive)); // no PgBouncer configured
        Assert.Null(_app.Services.GetRequiredService<DatabaseSampler>().LastError);
    }

    [Fact]
    public async Task OneRowPerInstant_WhoeverSamplesIt_BucketedToFitAChart_AndPrunedByAge()
    {
        var samples = _app.Services.GetRequiredService<DatabaseSamples>();
        var snapshot = new ConnectionSnapshot(DateTimeOffset.UtcNow, 100, 3, 0, []);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.True(await samples.AddAsync(start, snapshot, null, Ct));
        Assert.False(await samples.AddAsync(start, snapshot, null, Ct)); // a second instance at the same instant
        for (var i = 1; i < 1000; i++)
        {
            await samples.AddAsync(start.AddSeconds(15 * i), snapshot, new BouncerState([], [], []), Ct);
        }

        var rows = await samples.RangeAsync(start, start.AddSeconds(15 * 1000), TimeSpan.FromSeconds(15), Ct);
        Assert.InRange(rows.Count, DatabaseSamples.MaxPoints - 5, DatabaseSamples.MaxPoints + 1);
        Assert.Equal(DatabaseSamples.Bucket(start, start.AddSeconds(15 * 1000), TimeSpan.FromSeconds(15)), rows[1].At - rows[0].At);
        Assert.All(rows, r => Assert.Equal(97, r.Headroom));

        var pruned = await samples.PruneAsync(start.AddSeconds(15 * 500), Ct);
        Assert.Equal(500, pruned);
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(500, await db.DatabaseSamples.CountAsync(s => s.At < new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), Ct));
    }
}
