using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Audit;

/// <summary>With Loki as the log store, audited statements go to its push API (a fake speaking Loki 2.8's recorded answers).</summary>
public sealed class AuditLokiShippingTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private readonly ListLogger _log = new();
    private FakeLoki _loki = null!;
    private ServiceProvider _services = null!;
    private AuditShipper _shipper = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _loki = await FakeLoki.StartAsync();
        var collection = new ServiceCollection();
        LogSourceServices.AddLokiClient(collection, new LogSourceOptions { Kind = LogSourceOptions.Loki, Url = _loki.Address.ToString(), TenantId = "tovplay", LokiAttemptTimeout = TimeSpan.FromSeconds(10) });
        _services = collection.BuildServiceProvider();
        var options = Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole });
        _shipper = new AuditShipper(options, new LokiLogSink(_services.GetRequiredService<IHttpClientFactory>()), _log);
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO notes VALUES ('one'); DELETE FROM notes;");
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _loki.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Statements_ArePushedAsLokiJson_WithTheTenant_AndTheMarkMovesForTheLokiSink()
    {
        _loki.Replay("push_single");

        Assert.Equal(2, await _shipper.ShipOnceAsync(Ct));

        var push = Assert.Single(_loki.Requests);
        Assert.Equal("/loki/api/v1/push", push.PathAndQuery);
        Assert.Equal("tovplay", push.Headers["X-Scope-OrgID"].ToString());
        var streams = JsonDocument.Parse(push.Body).RootElement.GetProperty("streams");
        var lines = streams.EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => (Job: s.GetProperty("stream").GetProperty("job").GetString(), Line: v[1].GetString()!))).ToList();
        Assert.All(lines, l => Assert.Equal("tovplay-db-audit", l.Job));
        Assert.Equal(["INSERT", "DELETE"], lines.Select(l => JsonDocument.Parse(l.Line).RootElement.GetProperty("action").GetString()));
        Assert.Single(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.shipping WHERE sink = 'loki'"));
        Assert.Equal(0, await _shipper.ShipOnceAsync(Ct));
    }

    [Fact]
    public async Task LokiFailing_IsRetriedNextRound_ButARefusalForGoodIsLoggedAsAnErrorAndPassed()
    {
        _loki.Fail(500);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _shipper.ShipOnceAsync(Ct));
        Assert.Empty(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.shipping"));

        _loki.Replay("push_error_too_old");
        Assert.Equal(2, await _shipper.ShipOnceAsync(Ct));

        var error = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("were not copied to the log store (loki), which refused them for good", error.Message);
        Assert.Contains("timestamp too old", error.Message);
    }

    [Fact]
    public async Task ASealCopyThatFailed_GoesAgainNextRound_TheSameEntry()
    {
        var options = Options.Create(new AuditOptions { TargetConnection = _db.Database.ConnectionString, OwnerRole = _db.OwnerRole });
        var sealer = new AuditSealer(options, new AuditSeal(options), new LokiLogSink(_services.GetRequiredService<IHttpClientFactory>()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditSealer>.Instance);
        _loki.Fail(500).Replay("push_single");

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sealer.RoundAsync(Ct));
        await sealer.RoundAsync(Ct);
        await sealer.RoundAsync(Ct);

        var pushes = _loki.Requests.Select(r => r.Body).ToList();
        Assert.Equal(2, pushes.Count);
        Assert.Equal(pushes[0], pushes[1]);
        Assert.Contains("\"event\":\"seal\"", JsonDocument.Parse(pushes[1]).RootElement.GetProperty("streams")[0].GetProperty("values")[0][1].GetString());
        Assert.Single(await _db.QueryAsync("SELECT 1 FROM tovplay_audit.seals"));
    }

    /// <summary>Keeps what was logged, to see a failure surfaced.</summary>
    private sealed class ListLogger : ILogger<AuditShipper>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
