using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Logs.Search;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>The WHEN chart's data: the series, their bucket, the window the detector proposes, and which sources could not be read.</summary>
public sealed record ActivityAnswer(
    DateTimeOffset Start, DateTimeOffset End, TimeSpan Step, IReadOnlyList<ActivitySeries> Series, AnomalyWindow? Proposal, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads the activity around an incident: removed and changed rows per table from the audit trail (one grouped SQL
/// query), and the request, error and latency rates from the log source (one metric query each), all at once. A
/// source that fails leaves the others standing and says why.
/// </summary>
public sealed class ActivityReader(IOptions<AuditOptions> audit, ILogSource logs)
{
    /// <summary>Tables charted one by one; the rest are summed as "other tables", so the legend stays readable.</summary>
    public const int MaxTables = 8;

    /// <summary>
    /// Reads every signal of the scenario. <paramref name="partial"/>, when given, hears the audit trail's series (and
    /// the window they propose) as soon as they are in, while the log queries still run: over a busy hour those
    /// take longer, and a wipe's window is in the audit trail.
    /// </summary>
    public async Task<ActivityAnswer> ReadAsync(
        ScenarioKind scenario, string? subject, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? around, CancellationToken cancellationToken,
        Action<ActivityAnswer>? partial = null)
    {
        // The subject narrows the audit trail to a table (a wipe) or an application user (an account).
        var table = scenario == ScenarioKind.Wipe ? subject : null;
        var user = scenario == ScenarioKind.SuspiciousAccount ? subject : null;
        var step = LogVolume.StepFor(end - start);
        var signals = ActivityQueries.For(scenario);
        var warnings = new List<string>();
        var auditTask = signals.Any(ActivityQueries.IsAudit)
            ? AuditSeriesAsync(signals, table, user, start, end, step, warnings, cancellationToken)
            : Task.FromResult<IReadOnlyList<ActivitySeries>>([]);
        var logTasks = signals.Select(s => (Signal: s, Query: ActivityQueries.LogQL(s, step, scenario, subject)))
            .Where(s => s.Query is not null)
            .Select(s => LogSeriesAsync(s.Signal, s.Query!, start, end, step, warnings, cancellationToken))
            .ToList();

        var series = new List<ActivitySeries>(await auditTask);
        if (partial is not null && series.Count > 0 && logTasks.Count > 0)
        {
            List<string> soFar;
            lock (warnings)
            {
                soFar = [.. warnings];
            }

            partial(new ActivityAnswer(start, end, step, [.. series], WindowProposal.Propose(scenario, series, step, around), soFar));
        }

        foreach (var task in logTasks)
        {
            if (await task is { } found)
            {
                series.Add(found);
            }
        }

        return new ActivityAnswer(start, end, step, series, WindowProposal.Propose(scenario, series, step, around), warnings);
    }

    private async Task<IReadOnlyList<ActivitySeries>> AuditSeriesAsync(
        IReadOnlyList<ActivitySignal> signals, string? table, string? user, DateTimeOffset start, DateTimeOffset end, TimeSpan step, List<string> warnings, CancellationToken cancellationToken)
    {
        var rows = new List<(DateTimeOffset Bucket, string Table, string Action, double Rows)>();
        var from = start;
        try
        {
            await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
            // Before the trail began it saw nothing: those buckets are unknown, not zero, and a "usual 0" from them would
            // make the trail's first minutes of routine look like a spike.
            if (await AuditDatabase.TrailSinceAsync(connection, audit.Value.Schema, cancellationToken) is { } since && since > start)
            {
                from = WindowProposal.Floor(since, step);
            }

            await using var command = new NpgsqlCommand($"""
                SELECT date_bin(@step, statement_at, TIMESTAMPTZ '1970-01-01 00:00:00+00'), schema_name || '.' || table_name,
                       CASE WHEN action IN ({AuditStatement.SqlList(AuditStatement.RemovingActions)}) THEN 'removed'
                            WHEN {WipeInvestigation.OverwriteSql} THEN 'overwritten' ELSE action END, sum(row_count)::float8
                FROM {SqlText.Qualified(audit.Value.Schema, "statements")}
                WHERE statement_at >= @from AND statement_at < @to
                  AND (@table::text IS NULL OR table_name = @table OR schema_name || '.' || table_name = @table)
                  AND (@user::text IS NULL OR app_username = @user OR app_user_id = @user)
                GROUP BY 1, 2, 3
                """, connection);
            command.Parameters.AddWithValue("step", step);
            command.Parameters.AddWithValue("from", start);
            command.Parameters.AddWithValue("to", end);
            command.Parameters.Add(new NpgsqlParameter("table", NpgsqlDbType.Text) { Value = (object?)table ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("user", NpgsqlDbType.Text) { Value = (object?)user ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? 0 : reader.GetDouble(3)));
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            lock (warnings)
            {
                warnings.Add("The audit trail could not be read: " + ex.Message);
            }

            return [];
        }

        var series = new List<ActivitySeries>();
        foreach (var (signal, actions) in new (ActivitySignal, string[])[]
        {
            (ActivitySignal.RowsRemoved, ["removed"]), (ActivitySignal.RowsChanged, ["INSERT", "UPDATE", "overwritten"]), (ActivitySignal.RowsOverwritten, ["overwritten"]),
        })
        {
            if (!signals.Contains(signal))
            {
                continue;
            }

            var byTable = rows.Where(r => actions.Contains(r.Action)).GroupBy(r => r.Table).OrderByDescending(g => g.Sum(r => r.Rows)).ToList();
            var shown = byTable.Take(MaxTables).Select(g => (Name: g.Key, Rows: g.AsEnumerable()));
            if (byTable.Count > MaxTables)
            {
                shown = shown.Append(("other tables", byTable.Skip(MaxTables).SelectMany(g => g)));
            }

            series.AddRange(shown.Select(t => new ActivitySeries($"{WindowProposal.Describe(signal)} · {t.Name}", signal,
                WindowProposal.Fill(t.Rows.Where(r => r.Bucket >= from).Select(r => new ActivityPoint(r.Bucket, r.Rows)), from, end, step))));
        }

        return series;
    }

    private async Task<ActivitySeries?> LogSeriesAsync(
        ActivitySignal signal, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, List<string> warnings, CancellationToken cancellationToken)
    {
        var stepNs = (long)step.TotalNanoseconds;
        // Loki's point at t covers (t - step, t]: ask for points at bucket ends, and file each under its bucket's start;
        // the last bucket, still filling when the range ends now, has its point at its end, after the range's.
        var firstNs = (TimeWindow.Ns(start) / stepNs + 1) * stepNs;
        var lastNs = (TimeWindow.Ns(end) + stepNs - 1) / stepNs * stepNs;
        try
        {
            var response = await logs.QueryRangeAsync(
                new RangeQueryRequest(query, firstNs, Math.Max(firstNs, lastNs)) { StepNs = stepNs }, cancellationToken);
            var points = response.Series.SelectMany(s => s.Points)
                .Select(p => new ActivityPoint(DateTimeOffset.UnixEpoch.AddTicks(p.TimestampNs / 100) - step, p.Value));
            return new ActivitySeries(WindowProposal.Describe(signal), signal,
                signal == ActivitySignal.Latency ? [.. points.OrderBy(p => p.Start)] : WindowProposal.Fill(points, start, end, step));
        }
        catch (LogSourceException ex)
        {
            lock (warnings)
            {
                warnings.Add($"{WindowProposal.Describe(signal)} could not be read from the logs: {ex.Message}");
            }

            return null;
        }
    }
}
