using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Sandbox;

namespace TovPlay.Logs.Web.Status;

/// <summary>
/// Checks each source the app reads, now: the logs (embedded store or Loki), the audited database with its trail's
/// coverage, PostgreSQL's own log, the OTLP exporter and the sandbox. Each check says what it saw and what to do; none
/// throws, since a page showing them must show all of them.
/// </summary>
public sealed class SourceChecks(
    IServiceProvider services, IOptions<LogSourceOptions> logOptions, IOptions<AuditOptions> audit, AuditInstaller installer, SandboxState sandbox,
    DatabaseMigrator migrator, IConfiguration configuration, TimeProvider time)
{
    /// <summary>Where each check's fix is explained: the Status page's guide to connecting a real TovPlay.</summary>
    public const string ConnectLink = "admin/status#connect";

    /// <summary>How far back "recently" reaches.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromHours(24);

    public async Task<IReadOnlyList<SourceCheck>> AllAsync(CancellationToken cancellationToken) => [.. await SourcesAsync(cancellationToken), Sandbox()];

    /// <summary>Every source but the sandbox, which lives in a running server only (what the <c>status</c> verb checks).</summary>
    public async Task<IReadOnlyList<SourceCheck>> SourcesAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(AppDatabaseAsync(cancellationToken), LogsAsync(cancellationToken), AuditAsync(cancellationToken), PostgresLogAsync(cancellationToken), OtlpAsync(cancellationToken));

    /// <summary>
    /// The log source, taken when a check runs rather than when the checks are made: one that cannot even be built (no
    /// connection string for the embedded store) is then a failing check among the others, not a crash of them all.
    /// </summary>
    private ILogSource Logs => services.GetRequiredService<ILogSource>();

    public async Task<SourceCheck> AppDatabaseAsync(CancellationToken cancellationToken)
    {
        const string name = "App database";
        try
        {
            var pending = await migrator.PendingAsync(cancellationToken);
            return pending.Count == 0
                ? new SourceCheck(name, SourceState.Ok, "Reachable; its schema is up to date.")
                : new SourceCheck(name, SourceState.Failing, $"Reachable, but {pending.Count} migration(s) are not applied: {string.Join(", ", pending)}.",
                    "Run the migrate verb (or set Database:MigrateOnStartup).") { Details = pending };
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new SourceCheck(name, SourceState.Failing, "Could not be reached: " + ex.Message,
                "Check ConnectionStrings:AppDb (and AppDbDirect) and that PostgreSQL answers.");
        }
    }

    /// <summary>
    /// A stream selector of the lines that count: the sandbox's own only while it runs (its old lines say nothing about
    /// a real TovPlay), and never when <paramref name="yours"/> (a step of connecting your own TovPlay is checked).
    /// </summary>
    private string Selector(string matchers, bool yours) =>
        yours || !sandbox.Active ? $"{{{matchers}, env!=\"{Domain.Sandbox.SandboxLine.Env}\"}}" : $"{{{matchers}}}";

    private string Whose(bool yours) => yours || !sandbox.Active ? " (not counting the sandbox's)" : "";

    public async Task<SourceCheck> LogsAsync(CancellationToken cancellationToken) => await LogsAsync(cancellationToken, yours: false);

    public async Task<SourceCheck> LogsAsync(CancellationToken cancellationToken, bool yours)
    {
        var loki = string.Equals(logOptions.Value.Kind, LogSourceOptions.Loki, StringComparison.OrdinalIgnoreCase);
        var name = loki ? $"Logs (Loki at {logOptions.Value.Url})" : "Logs (embedded store)";
        try
        {
            var newest = await NewestAsync(Selector("job=~\".+\"", yours), cancellationToken);
            return newest is { } line
                ? new SourceCheck(name, SourceState.Ok, $"Receiving: the last line arrived {Ago(line.At)} ago ({line.Labels}).") { LastSeen = line.At }
                : new SourceCheck(name, SourceState.Quiet, $"Reachable, but no line{Whose(yours)} arrived in the last {Recent.TotalHours:0} hours: nothing ships logs to it yet.",
                    "Point promtail (or another Loki client) at this app's push API with an API key.", ConnectLink);
        }
        catch (Exception ex) when (ex is LogSourceException or HttpRequestException or NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            return new SourceCheck(name, SourceState.Failing, "Could not be read: " + ex.Message,
                loki ? "Check LogSource:Url, the tenant and the credentials, and that Loki answers." : "Check that the app's PostgreSQL is up.", ConnectLink);
        }
    }

    public async Task<SourceCheck> AuditAsync(CancellationToken cancellationToken)
    {
        const string name = "Audited database";
        if (!audit.Value.IsConfigured)
        {
            return new SourceCheck(name, SourceState.NotConfigured, "No audited database is configured: WHAT, WHO and RECOVER of a wipe need one.",
                "Set Audit:TargetConnection to the TovPlay database, then install the audit trail.", ConnectLink);
        }

        try
        {
            var coverage = await installer.CoverageAsync(cancellationToken);
            var audited = coverage.Count(c => c.State == CoverageState.Audited);
            var details = coverage.Where(c => c.State != CoverageState.Audited).Select(c => $"{c.Table.Display}: {c.State}{(c.Reason is { } r ? $" ({r})" : "")}").ToList();
            await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
            var statements = SqlText.Qualified(audit.Value.Schema, "statements");
            if (!await AuditDatabase.ExistsAsync(connection, statements, cancellationToken))
            {
                return new SourceCheck(name, SourceState.Quiet, $"Reachable, but the audit trail is not installed ({coverage.Count} table(s), none audited).",
                    "Install it under Admin → Database audit (or `audit install --all`).", "admin/database-audit") { Details = details };
            }

            await using var command = new NpgsqlCommand($"SELECT max(statement_at) FROM {statements}", connection);
            var last = await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            var broken = coverage.Count(c => c.State is CoverageState.Broken or CoverageState.PartitionMissingTriggers);
            var state = broken > 0 ? SourceState.Failing : last is not null && time.GetUtcNow() - last < Recent ? SourceState.Ok : SourceState.Quiet;
            var seen = last is { } l ? $"the last audited statement {Ago(l)} ago" : "no statement audited yet";
            return new SourceCheck(name, state, $"{audited} of {coverage.Count} table(s) audited{(broken > 0 ? $", {broken} broken" : "")}; {seen}.",
                broken > 0 ? "A trigger was disabled or dropped: see Admin → Database audit and install again." : audited < coverage.Count ? "Tables not audited are listed below." : null,
                broken > 0 || audited < coverage.Count ? "admin/database-audit" : null) { LastSeen = last, Details = details };
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new SourceCheck(name, SourceState.Failing, "Could not be read: " + ex.Message, "Check Audit:TargetConnection and that the database answers.", ConnectLink);
        }
    }

    public async Task<SourceCheck> PostgresLogAsync(CancellationToken cancellationToken) => await PostgresLogAsync(cancellationToken, yours: false);

    public async Task<SourceCheck> PostgresLogAsync(CancellationToken cancellationToken, bool yours)
    {
        const string name = "PostgreSQL's own log (job=\"postgres\")";
        try
        {
            var newest = await NewestAsync(Selector("job=\"postgres\"", yours), cancellationToken);
            return newest is { } line
                ? new SourceCheck(name, SourceState.Ok, $"Shipped: the last line arrived {Ago(line.At)} ago.") { LastSeen = line.At }
                : new SourceCheck(name, SourceState.NotConfigured,
                    $"No line{Whose(yours)} in the last {Recent.TotalHours:0} hours: sessions around the application (psql, desktop clients) and refused statements cannot be told.",
                    "Turn on log_connections, log_disconnections and log_statement = 'ddl', and ship the server log with promtail as job=\"postgres\".", ConnectLink);
        }
        catch (Exception ex) when (ex is LogSourceException or HttpRequestException or NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new SourceCheck(name, SourceState.Failing, "Could not be read: " + ex.Message, null, ConnectLink);
        }
    }

    public async Task<SourceCheck> OtlpAsync(CancellationToken cancellationToken)
    {
        const string name = "Traces and metrics (OTLP)";
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is not { Length: > 0 } endpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return new SourceCheck(name, SourceState.NotConfigured, "Not exported: trace links in the answers lead nowhere until a collector receives them.",
                "Set OTEL_EXPORTER_OTLP_ENDPOINT (and OTEL_EXPORTER_OTLP_PROTOCOL) to your collector.", ConnectLink);
        }

        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await client.ConnectAsync(uri.Host, uri.Port, timeout.Token);
            return new SourceCheck(name, SourceState.Ok, $"Exporting to {uri.GetLeftPart(UriPartial.Authority)}, which accepts connections.");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return new SourceCheck(name, SourceState.Failing, $"Exporting to {uri.GetLeftPart(UriPartial.Authority)}, which does not accept connections: {ex.Message}",
                "Start the collector or correct OTEL_EXPORTER_OTLP_ENDPOINT.", ConnectLink);
        }
    }

    public SourceCheck Sandbox() => sandbox.Phase switch
    {
        SandboxPhase.Off => new SourceCheck("Sandbox", SourceState.NotConfigured, sandbox.Reason),
        SandboxPhase.Failed => new SourceCheck("Sandbox", SourceState.Failing, sandbox.Reason, "See the app's log; it is retried.", "admin/sandbox"),
        _ => new SourceCheck("Sandbox", sandbox.LastError is null ? SourceState.Ok : SourceState.Failing,
            sandbox.Reason + (sandbox.LastError is { } error ? " Last failure: " + error : ""), null, "admin/sandbox"),
    };

    private async Task<(DateTimeOffset At, LabelSet Labels)?> NewestAsync(string selector, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var response = await Logs.QueryRangeAsync(new RangeQueryRequest(selector, TimeWindow.Ns(now - Recent), TimeWindow.Ns(now + TimeSpan.FromMinutes(1)))
        {
            Limit = 1,
            Direction = Direction.Backward,
        }, cancellationToken);
        return response.Streams.SelectMany(s => s.Entries.Select(e => (At: DateTimeOffset.UnixEpoch.AddTicks(e.TimestampNs / 100), s.Labels)))
            .OrderByDescending(e => e.At).Cast<(DateTimeOffset, LabelSet)?>().FirstOrDefault();
    }

    private string Ago(DateTimeOffset at)
    {
        var span = time.GetUtcNow() - at;
        return span.TotalSeconds < 90 ? $"{Math.Max(0, span.TotalSeconds):0} s"
            : span.TotalMinutes < 90 ? $"{span.TotalMinutes:0} min"
            : $"{span.TotalHours:0} h";
    }
}
