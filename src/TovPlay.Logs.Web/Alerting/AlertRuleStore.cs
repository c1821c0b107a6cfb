using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>A rule with how it is doing, for the Alerts page.</summary>
public sealed record RuleSummary(AlertRule Rule, uint Version, AlertRuleHealth? Health, AlertState State, int Firing, int Pending, int Instances,
    DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>An alert instance as the rule page shows it.</summary>
public sealed record InstanceView(string Fingerprint, Domain.Logs.LabelSet Labels, IReadOnlyDictionary<string, string> Annotations, AlertState State,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, double? Value, string? Error, DateTimeOffset? LastEvaluatedAt, IReadOnlyList<string> LogLines);

/// <summary>An alert active now, for the home page.</summary>
public sealed record ActiveAlert(Guid? RuleId, Domain.Logs.LabelSet Labels, IReadOnlyDictionary<string, string> Annotations, AlertState State, DateTimeOffset? StartsAt);

/// <summary>
/// Rules as Admins edit them: checked in full before saving (names, durations, templates; the query by its own
/// source: LogQL by our parser, SQL by PostgreSQL's planner, PromQL by Prometheus), kept apart from other edits by the
/// row version, recorded in the app's audit trail, and handed to the evaluator at once.
/// </summary>
public sealed class AlertRuleStore(IDbContextFactory<AppDbContext> db, SqlProbe sql, PrometheusClient prometheus, AlertingSignals signals, AppAuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<RuleSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var records = await context.AlertRules.AsNoTracking().OrderBy(r => r.Folder).ThenBy(r => r.GroupName).ThenBy(r => r.Name).ToListAsync(cancellationToken);
        var health = await context.AlertRuleHealth.AsNoTracking().ToDictionaryAsync(h => h.RuleId, cancellationToken);
        var states = await context.AlertInstances.AsNoTracking().Where(i => i.RuleId != null)
            .GroupBy(i => new { i.RuleId, i.State }).Select(g => new { g.Key.RuleId, g.Key.State, Count = g.Count() }).ToListAsync(cancellationToken);
        return [.. records.Select(r =>
        {
            var mine = states.Where(s => s.RuleId == r.Id).ToDictionary(s => Enum.Parse<AlertState>(s.State), s => s.Count);
            return new RuleSummary(r.ToRule(), r.Version, health.GetValueOrDefault(r.Id), Worst(mine.Keys), mine.GetValueOrDefault(AlertState.Firing),
                mine.GetValueOrDefault(AlertState.Pending), mine.Values.Sum(), r.UpdatedAt, r.UpdatedBy);
        })];
    }

    public async Task<RuleSummary?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(r => r.Rule.Id == id);

    /// <summary>Every active alert (firing, no data, error), most urgent and then oldest first.</summary>
    public async Task<IReadOnlyList<ActiveAlert>> ActiveAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var records = await context.AlertInstances.AsNoTracking().Where(i => i.State == "Firing" || i.State == "NoData" || i.State == "Error")
            .OrderBy(i => i.StartsAt).Take(500).ToListAsync(cancellationToken);
        return [.. records.Select(r => new ActiveAlert(r.RuleId, AlertStateStore.Labels(r.Labels), AlertRuleMapping.Map(r.Annotations), Enum.Parse<AlertState>(r.State), r.StartsAt))
            .OrderBy(a => Rank(a.State))];
    }

    public async Task<IReadOnlyList<InstanceView>> InstancesAsync(Guid ruleId, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var records = await context.AlertInstances.AsNoTracking().Where(i => i.RuleId == ruleId).ToListAsync(cancellationToken);
        return [.. records.Select(ToView).OrderBy(v => Rank(v.State)).ThenBy(v => v.Labels.ToString(), StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<AlertHistoryRecord>> HistoryAsync(Guid ruleId, string? fingerprint, int limit, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var query = context.AlertHistory.AsNoTracking().Where(h => h.RuleId == ruleId);
        if (fingerprint is not null)
        {
            query = query.Where(h => h.Fingerprint == fingerprint);
        }

        return await query.OrderByDescending(h => h.At).ThenByDescending(h => h.Id).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
    }

    /// <summary>Every problem of the rule, the query's included (asked of its source), by field.</summary>
    public async Task<IReadOnlyList<FieldProblem>> CheckAsync(AlertRule rule, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = AlertRuleProblems.Of(rule).ToList();
        if (problems.Any(p => p.Field == "Query"))
        {
            return problems;
        }

        var queryProblem = rule.Source switch
        {
            // A probe runs with the audited database's credentials: only an Admin may write one.
            AlertDataSource.Sql when !user.IsInRole(AppRoles.Admin) => "Only an Admin may write SQL probes.",
            AlertDataSource.Sql => await sql.CheckAsync(rule.Query, cancellationToken),
            AlertDataSource.PromQL => await prometheus.CheckAsync(rule.Query, cancellationToken),
            _ => null,
        };
        if (queryProblem is not null)
        {
            problems.Add(new FieldProblem("Query", queryProblem));
        }

        return problems;
    }

    /// <param name="expectedVersion">The version the form was loaded at; null for a new rule.</param>
    public async Task<SaveResult> SaveAsync(AlertRule rule, uint? expectedVersion, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = await CheckAsync(rule, user, cancellationToken);
        if (problems.Count > 0)
        {
            return new SaveResult(null, problems);
        }

        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var record = expectedVersion is null ? null : await context.AlertRules.SingleOrDefaultAsync(r => r.Id == rule.Id, cancellationToken);
        if (expectedVersion is not null && record is null)
        {
            return new SaveResult(null, [new FieldProblem("Name", "This rule was deleted meanwhile; save it as a new one.")]);
        }

        if (record is null)
        {
            record = new AlertRuleRecord
            {
                Id = rule.Id, Name = "", Folder = "", GroupName = "", Source = "", Query = "", OnNoData = "", OnError = "", Labels = "{}", Annotations = "{}",
                CreatedAt = now, CreatedBy = user.Identity?.Name ?? "", UpdatedBy = "",
            };
            context.AlertRules.Add(record);
        }
        else
        {
            context.Entry(record).Property(r => r.Version).OriginalValue = expectedVersion!.Value;
        }

        rule.CopyTo(record);
        record.UpdatedAt = now;
        record.UpdatedBy = user.Identity?.Name ?? "";
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new SaveResult(null, [new FieldProblem("Name", $"Someone else saved this rule meanwhile. Reload it to see their change before saving yours.")]);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            return new SaveResult(null, [unique.ConstraintName?.Contains("built_in", StringComparison.Ordinal) == true
                ? new FieldProblem("Name", "This built-in rule is already switched on.")
                : new FieldProblem("Name", $"The folder {rule.Folder} already has a rule named {rule.Name}.")]);
        }

        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.AlertRuleSaved, $"{record.Folder}/{record.Name}",
            details: $"{(expectedVersion is null ? "created" : "updated")}; {rule.Source}: {ShortText.Cut(rule.Query, 300)}; {(rule.Paused ? "paused" : "active")}"), cancellationToken);
        signals.RulesChanged.Raise();
        return new SaveResult(record.Id, []);
    }

    public async Task<bool> SetPausedAsync(Guid id, bool paused, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var record = await context.AlertRules.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (record is null)
        {
            return false;
        }

        record.Paused = paused;
        record.UpdatedAt = time.GetUtcNow();
        record.UpdatedBy = user.Identity?.Name ?? "";
        await context.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.AlertRuleSaved, $"{record.Folder}/{record.Name}", details: paused ? "paused" : "resumed"), cancellationToken);
        signals.RulesChanged.Raise();
        return true;
    }

    public async Task<bool> DeleteAsync(Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var record = await context.AlertRules.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (record is null)
        {
            return false;
        }

        context.AlertRules.Remove(record);
        await context.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.AlertRuleDeleted, $"{record.Folder}/{record.Name}"), cancellationToken);
        signals.RulesChanged.Raise();
        signals.AlertsChanged.Raise();
        return true;
    }

    public static InstanceView ToView(AlertInstanceRecord r) => new(r.Fingerprint, AlertStateStore.Labels(r.Labels), AlertRuleMapping.Map(r.Annotations),
        Enum.Parse<AlertState>(r.State), r.StartsAt, r.EndsAt, r.Value, r.Error, r.LastEvaluatedAt,
        r.LogLines is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<string>>(r.LogLines) ?? []);

    /// <summary>Most urgent first: an error, firing, no data, pending, normal.</summary>
    public static int Rank(AlertState state) => state switch
    {
        AlertState.Error => 0,
        AlertState.Firing => 1,
        AlertState.NoData => 2,
        AlertState.Pending => 3,
        _ => 4,
    };

    private static AlertState Worst(IEnumerable<AlertState> states) => states.OrderBy(Rank).DefaultIfEmpty(AlertState.Normal).First();

}
