using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.Tests.Audit;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Investigations;

/// <summary>The WHEN chart's data from a real audited database and the app's embedded log store, and the window it proposes.</summary>
public sealed class ActivityReaderTests(WebAppFixture fixture) : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private TestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _app = _db.StartApp(fixture.Database.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private ActivityReader Reader => _app.Services.GetRequiredService<ActivityReader>();

    [Fact]
    public async Task RemovedRows_ArePerTable_FromTheAuditTrail_AndProposeTheWipesWindow()
    {
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, """
                INSERT INTO users (id, username) SELECT g, 'u' || g FROM generate_series(1, 25) g;
                DELETE FROM users WHERE id <= 20;
                UPDATE users SET username = 'renamed' WHERE id = 21;
                UPDATE users SET username = username || '!';
                """);
        }

        var now = DateTimeOffset.UtcNow;
        ActivityAnswer? first = null;
        var answer = await Reader.ReadAsync(ScenarioKind.Wipe, "users", now.AddHours(-1), now.AddMinutes(1), around: null, Ct, partial: a => first = a);

        // The audit trail's part came first, with the window it proposes; the logs' part followed.
        Assert.Equal([ActivitySignal.RowsRemoved, ActivitySignal.RowsOverwritten], first!.Series.Select(s => s.Signal));
        Assert.Equal(first.Proposal!.Start, answer.Proposal!.Start);

        var removed = Assert.Single(answer.Series, s => s.Signal == ActivitySignal.RowsRemoved);
        Assert.Equal("Rows removed · public.users", removed.Name);
        Assert.Equal(20, removed.Points.Sum(p => p.Value));
        Assert.Equal(answer.Step, removed.Points[1].Start - removed.Points[0].Start);
        // The trail was installed a moment ago: the hour's buckets before it are unknown, not zeros, and not charted.
        Assert.InRange(removed.Points[0].Start, WindowProposal.Floor(now, answer.Step) - answer.Step, now);
        // The wipe scenario charts the updates that overwrote (most of the table's five rows), not the one-row rename nor
        // inserts; and the application's requests and errors.
        Assert.Equal(5, Assert.Single(answer.Series, s => s.Signal == ActivitySignal.RowsOverwritten).Points.Sum(p => p.Value));
        Assert.DoesNotContain(answer.Series, s => s.Signal == ActivitySignal.RowsChanged);
        Assert.Contains(answer.Series, s => s.Signal == ActivitySignal.Requests);
        Assert.Empty(answer.Warnings);

        var window = answer.Proposal!;
        Assert.InRange(now, window.Start - answer.Step, window.End);
        Assert.StartsWith("Rows removed: ", window.Explanation);
    }

    [Fact]
    public async Task ErrorsAndRequests_ComeFromTheLogs_AndAnErrorBurstIsTheWindow()
    {
        // Three days back, so the lines other tests push now do not count here.
        var start = WindowProposal.Floor(DateTimeOffset.UtcNow.AddDays(-3).AddMinutes(-Random.Shared.Next(0, 600)), TimeSpan.FromMinutes(1));
        var writer = _app.Services.GetRequiredService<LogWriter>();
        var requests = new List<LogEntry>();
        var errors = new List<LogEntry>();
        for (var minute = 0; minute < 60; minute++)
        {
            for (var i = 0; i < 3; i++)
            {
                // Off the bucket edges: a line exactly on one belongs to the bucket before it in Loki's (t - step, t].
                requests.Add(Entry(start.AddMinutes(minute).AddSeconds(1 + (i * 10)), """{"method":"GET","path":"/api/games","status":200,"duration_ms":40}"""));
            }
        }

        for (var i = 0; i < 40; i++)
        {
            errors.Add(Entry(start.AddMinutes(42).AddSeconds(1 + (i * 0.5)), """{"msg":"database unavailable","status":500}"""));
        }

        await writer.WriteAsync(
        [
            PushStream.Of(LabelSet.From(("job", "tovplay-backend"), ("level", "info"), ("run", _db.Suffix)), requests),
            PushStream.Of(LabelSet.From(("job", "tovplay-backend"), ("level", "error"), ("run", _db.Suffix)), errors),
        ], Ct);

        var answer = await Reader.ReadAsync(ScenarioKind.ErrorSpike, null, start, start.AddHours(1), around: start.AddMinutes(45), Ct);

        Assert.Equal(TimeSpan.FromSeconds(30), answer.Step);
        Assert.Equal(40, answer.Series.Single(s => s.Signal == ActivitySignal.Errors).Points.Sum(p => p.Value));
        // The error lines carry a status too, so they are requests as well.
        Assert.Equal(220, answer.Series.Single(s => s.Signal == ActivitySignal.Requests).Points.Sum(p => p.Value));
        var window = answer.Proposal!;
        Assert.Equal(start.AddMinutes(42), window.Start);
        Assert.Equal(start.AddMinutes(42.5), window.End);
        Assert.StartsWith("Errors: ", window.Explanation);
    }

    [Fact]
    public async Task WhileTheLogsAreStillRead_WhenShowsTheTrailsPart_AndDoesNotSayNothingStandsOut()
    {
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, "BEGIN; SET LOCAL tovplay.username = 'held'; INSERT INTO notes VALUES ('a change of the account'); COMMIT;");
        }

        var logs = new HeldLogSource(_app.Services.GetRequiredService<ILogSource>());
        var when = new Web.Model.Investigations.WhenViewModel(
            new ActivityReader(_app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Web.Audit.AuditOptions>>(), logs), TimeProvider.System)
        {
            Scenario = ScenarioKind.SuspiciousAccount,
            Subject = "held",
            From = "now-1h",
        };
        var shown = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finding = when.FindAsync(Ct, () => shown.TrySetResult(when.WindowExplanation));

        var whilePending = await shown.Task.WaitAsync(Ct);
        logs.Release();
        Assert.True(await finding);

        Assert.Equal("Nothing in the audit trail stands out so far; the logs are still being read.", whilePending);
        Assert.False(when.LogsPending);
        Assert.DoesNotContain("still being read", when.WindowExplanation);
        Assert.Contains(when.Activity!.Series, s => s.Signal == ActivitySignal.Requests);
    }

    /// <summary>The app's log source, its queries held until the test releases them: the log part of WHEN still running.</summary>
    private sealed class HeldLogSource(ILogSource inner) : ILogSource
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public string Kind => inner.Kind;

        public async Task<QueryResponse> QueryRangeAsync(RangeQueryRequest request, CancellationToken cancellationToken)
        {
            await _released.Task.WaitAsync(cancellationToken);
            return await inner.QueryRangeAsync(request, cancellationToken);
        }

        public Task<QueryResponse> QueryInstantAsync(InstantQueryRequest request, CancellationToken cancellationToken) =>
            inner.QueryInstantAsync(request, cancellationToken);

        public Task<IReadOnlyList<string>> GetLabelsAsync(TimeWindow window, CancellationToken cancellationToken) => inner.GetLabelsAsync(window, cancellationToken);

        public Task<IReadOnlyList<string>> GetLabelValuesAsync(string name, TimeWindow window, CancellationToken cancellationToken) =>
            inner.GetLabelValuesAsync(name, window, cancellationToken);

        public Task<IReadOnlyList<LabelSet>> GetSeriesAsync(IReadOnlyList<string> match, TimeWindow window, CancellationToken cancellationToken) =>
            inner.GetSeriesAsync(match, window, cancellationToken);

        public Task<string?> CheckReadyAsync(CancellationToken cancellationToken) => inner.CheckReadyAsync(cancellationToken);

        public IAsyncEnumerable<TailBatch> TailAsync(TailRequest request, CancellationToken cancellationToken) => inner.TailAsync(request, cancellationToken);
    }

    private static LogEntry Entry(DateTimeOffset at, string line) => new((at - DateTimeOffset.UnixEpoch).Ticks * 100, line);
}
