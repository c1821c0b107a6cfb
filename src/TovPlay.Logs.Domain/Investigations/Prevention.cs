using System.Globalization;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>A recommendation drawn from the evidence, with the exact change to make and why it would have helped.</summary>
public sealed record Recommendation(string Title, string Why, string Change, string ChangeKind)
{
    /// <summary>Set on a mass-change guard recommendation: what an Admin installs from the page.</summary>
    public GuardTarget? Guard { get; init; }
}

/// <summary>The table a guard protects and its limit in rows per statement.</summary>
public sealed record GuardTarget(string Schema, string Table, int MaxRows);

/// <summary>
/// PREVENT for a wipe: what would have stopped or caught this one, from what the evidence says about it. Each
/// recommendation carries the exact change (SQL, a pg_hba.conf line, a LogQL alert), never a generic tip.
/// </summary>
public static class Prevention
{
    public const int GuardSlack = 10;

    /// <param name="roles">What the session roles may do beyond their grants: a superuser is bound by no privilege or trigger, a member acts with its group's rights.</param>
    public static IReadOnlyList<Recommendation> ForWipe(
        IReadOnlyList<AuditStatement> statements, ApplicationProfile application, AuditSql sql, IReadOnlyDictionary<string, RoleGrants>? roles = null)
    {
        var list = new List<Recommendation>();
        foreach (var transaction in statements.GroupBy(s => s.TxId))
        {
            var first = transaction.OrderBy(s => s.Id).First();
            var channel = Channel.Of(first, application);
            var grants = roles?.GetValueOrDefault(first.SessionRole);
            if (grants?.Superuser == true)
            {
                list.Add(new Recommendation(
                    $"Stop working as the superuser {first.SessionRole}",
                    "A superuser is bound by no privilege and can switch triggers off: revoking rights from it would change nothing. People should sign in as roles granted only what they need.",
                    $"ALTER ROLE {SqlText.Ident(first.SessionRole)} NOSUPERUSER;  -- after giving its people their own roles with only the privileges they use",
                    "sql"));
            }
            else if (channel.Kind != ChannelKind.Application && !application.DatabaseRoles.Contains(first.SessionRole, StringComparer.Ordinal))
            {
                // A member acts with its group's rights, an owner's included (DROP TABLE, TRUNCATE): a REVOKE on the table does not reach those.
                foreach (var group in grants?.MemberOf ?? [])
                {
                    list.Add(new Recommendation(
                        $"Take the membership in {group} away from {first.SessionRole}",
                        $"Through it {first.SessionRole} acts with {group}'s privileges, and an owner's rights (DROP TABLE, TRUNCATE) no table grant can take back; give it the privileges it needs on its own instead.",
                        $"REVOKE {SqlText.Ident(group)} FROM {SqlText.Ident(first.SessionRole)};",
                        "sql"));
                }

                foreach (var statement in transaction.Where(s => s.Action is "TRUNCATE" or "DELETE").DistinctBy(s => (s.Action, s.QualifiedTable)))
                {
                    list.Add(new Recommendation(
                        $"Take {statement.Action} on {statement.QualifiedTable} away from {statement.SessionRole}",
                        $"The role {statement.SessionRole} used it outside the application; people who need to read the data rarely need to remove it.",
                        $"REVOKE {statement.Action} ON {SqlText.Qualified(statement.Schema, statement.Table)} FROM {SqlText.Ident(statement.SessionRole)};",
                        "sql"));
                }
            }

            if (channel.Kind == ChannelKind.Direct && first.ClientAddr is { } address)
            {
                list.Add(new Recommendation(
                    $"Refuse direct connections from {address} as {first.SessionRole}",
                    "The change came from a client that is not an application server; pg_hba.conf can refuse it before it signs in (first matching line wins, so put it above the broader rules).",
                    $"host  all  {first.SessionRole}  {address}/{(address.Contains(':', StringComparison.Ordinal) ? 128 : 32)}  reject",
                    "pg_hba"));
            }
        }

        // A statement of too many rows is what the guard refuses: a DELETE or TRUNCATE that removed them, an UPDATE that overwrote them.
        // A guard below what the application itself does in one statement would refuse its own work: none for a table that lost a few rows.
        foreach (var table in statements.Where(s => s.Action is "DELETE" or "TRUNCATE" or "UPDATE").GroupBy(s => (s.Schema, s.Table)).Where(t => t.Max(s => s.Rows) > GuardSlack))
        {
            var largest = table.MaxBy(s => s.Rows)!;
            var verb = largest.Changes ? "overwrote" : "removed";
            // Above what the application does in one statement, below what this incident did.
            var limit = Math.Max(GuardSlack, (int)Math.Min(int.MaxValue, largest.Rows / 10));
            list.Add(new Recommendation(
                $"Guard {table.Key.Schema}.{table.Key.Table} against mass changes over {limit.ToString("N0", CultureInfo.InvariantCulture)} rows",
                $"The largest statement here {verb} {largest.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows at once; the guard refuses a DELETE, UPDATE or TRUNCATE of that many unless the transaction first says it means it (SET LOCAL {MassChangeGuard.OverrideSetting} = on).",
                new MassChangeGuard(sql).Install(new AuditedTable(table.First().TableOid, table.Key.Schema, table.Key.Table, TableKind.Ordinary, [], []), limit).Trim(),
                "sql") { Guard = new GuardTarget(table.Key.Schema, table.Key.Table, limit) });
            var overwrote = table.Any(s => s.Changes);
            var actions = overwrote ? (table.Any(s => s.Removes) ? "DELETE|TRUNCATE|UPDATE" : "UPDATE") : "DELETE|TRUNCATE";
            list.Add(new Recommendation(
                $"Alert when {table.Key.Schema}.{table.Key.Table} {(overwrote ? "has many rows overwritten or removed" : "loses many rows")}",
                "An alert on the audit lines would have told on-call within a minute.",
                LogQLQuery.Print(MetricBuilder.GreaterThan(MetricBuilder.Sum(MetricBuilder.Unwrapped(RangeOperation.SumOverTime,
                    LogQueryBuilder.Stream("job", AuditLogLine.Job).Json().Label("table", table.Key.Table).Label("action", actions, MatchOperator.Regex),
                    "rows", TimeSpan.FromMinutes(1))), limit)),
                "logql-alert"));
        }

        list.Add(new Recommendation(
            "Check that point-in-time recovery would have worked",
            "The audit trail restores what it saw; a base backup plus WAL archive restores everything, including tables the audit does not cover.",
            "archive_mode = on and a tested archive_command (or pgBackRest/WAL-G); a base backup in the last 24 h; a restore rehearsed to a point in time this quarter.",
            "checklist"));
        return list;
    }
}
