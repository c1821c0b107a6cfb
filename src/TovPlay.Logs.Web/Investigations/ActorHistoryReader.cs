using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>
/// Reads an actor's past from the audit trail for the WHO step: the addresses a database role (or an application
/// user) changed data from before the incident, and what else it did around it. The evidence shows each query with
/// its values written in, so a reader can run it again.
/// </summary>
public sealed class ActorHistoryReader(IOptions<AuditOptions> audit, IOptions<InvestigationOptions> options)
{
    /// <summary>What the incident's neighbourhood is for "what else did they do".</summary>
    public static readonly TimeSpan Around = TimeSpan.FromMinutes(15);

    public async Task<IReadOnlyList<Finding>> DescribeAsync(
        IReadOnlyList<AuditStatement> incident, DateTimeOffset windowStart, DateTimeOffset windowEnd, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var actors = incident.GroupBy(s => s.TxId).Select(g => g.First())
            .SelectMany(s => new[]
            {
                new Actor(ActorKind.DatabaseRole, s.SessionRole, s.ClientAddr ?? LocalSocket),
                (s.AppUsername ?? s.AppUserId) is { } user ? new Actor(ActorKind.ApplicationUser, user, s.AppClientIp) : null,
            })
            .OfType<Actor>()
            .Distinct()
            .ToList();
        var transactions = incident.Select(s => s.TxId).Distinct().ToArray();
        var before = incident.Count > 0 ? incident.Min(s => s.StatementAt) : windowStart;
        var findings = new List<Finding>();
        await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
        // One history and one look around the incident per role or user, whatever the addresses it used.
        foreach (var group in actors.GroupBy(a => (a.Kind, a.Name)))
        {
            var past = await HistoryAsync(connection, group.First(), before, cancellationToken);
            var others = await OtherAsync(connection, [.. group], windowStart - Around, windowEnd + Around, transactions, cancellationToken);
            foreach (var actor in group)
            {
                var (other, query) = others[actor];
                findings.AddRange(ActorContext.Describe(past with { Actor = actor }, other, query, now));
            }
        }

        return findings;
    }

    /// <summary>How a connection over the database server's own socket shows in place of an address.</summary>
    public const string LocalSocket = "local socket";

    private string Statements => SqlText.Qualified(audit.Value.Schema, "statements");

    private static (string Who, string Address) Columns(Actor actor) => actor.Kind == ActorKind.DatabaseRole
        ? ("session_role = @name", $"COALESCE(host(client_addr), '{LocalSocket}')")
        : ("(app_username = @name OR app_user_id = @name)", "COALESCE(app_client_ip, '(none)')");

    private async Task<ActorHistory> HistoryAsync(NpgsqlConnection connection, Actor actor, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var days = options.Value.LookbackDays;
        var (who, address) = Columns(actor);
        var sql = $"""
            SELECT {address} AS address, count(*) AS statements, max(statement_at) AS last
            FROM {Statements}
            WHERE {who} AND statement_at >= @from AND statement_at < @before
            GROUP BY 1 ORDER BY 3 DESC LIMIT 20
            """;
        var from = before.AddDays(-days);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", actor.Name);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("before", before);
        var addresses = new List<UsedAddress>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                addresses.Add(new UsedAddress(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        var snapshot = addresses.Count == 0
            ? "(no rows)"
            : string.Join("\n", addresses.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Address}\t{a.Statements}\t{a.Last.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z")));
        return new ActorHistory(actor, days, addresses, addresses.Count == 0 ? null : addresses.Max(a => a.Last),
            ShownQuery(sql, ("name", SqlText.Literal(actor.Name)), ("from", Time(from)), ("before", Time(before))), snapshot);
    }

    /// <summary>What each of one role's (or user's) actors did around the incident from its address, read in one query.</summary>
    private async Task<Dictionary<Actor, (IReadOnlyList<OtherActivity> Other, string Query)>> OtherAsync(
        NpgsqlConnection connection, IReadOnlyList<Actor> actors, DateTimeOffset from, DateTimeOffset to, long[] transactions, CancellationToken cancellationToken)
    {
        var (who, address) = Columns(actors[0]);
        string Sql(string addressTest) => $"""
            SELECT {address} AS address, schema_name || '.' || table_name, action, count(*), COALESCE(sum(row_count), 0)::bigint
            FROM {Statements}
            WHERE {who} AND {address} {addressTest} AND statement_at >= @from AND statement_at < @to AND NOT (tx_id = ANY(@tx))
            GROUP BY 1, 2, 3 ORDER BY 5 DESC, 4 DESC
            """;
        string AddressOf(Actor actor) => actor.Address ?? (actor.Kind == ActorKind.DatabaseRole ? LocalSocket : "(none)");
        await using var command = new NpgsqlCommand(Sql("= ANY(@addresses)"), connection);
        command.Parameters.AddWithValue("name", actors[0].Name);
        command.Parameters.AddWithValue("addresses", actors.Select(AddressOf).Distinct().ToArray());
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.AddWithValue("tx", transactions);
        var rows = new List<(string Address, OtherActivity Activity)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), new OtherActivity(reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4))));
            }
        }

        // The evidence names each actor's own address, as if asked alone: the same rows.
        return actors.ToDictionary(a => a, a => ((IReadOnlyList<OtherActivity>)[.. rows.Where(r => r.Address == AddressOf(a)).Select(r => r.Activity)],
            ShownQuery(Sql("= @address"), ("name", SqlText.Literal(a.Name)), ("address", SqlText.Literal(AddressOf(a))), ("from", Time(from)), ("to", Time(to)),
                ("tx", $"ARRAY[{string.Join(", ", transactions)}]::bigint[]"))));
    }

    /// <summary>The query as evidence: parameters written in as literals (display only; the query ran with parameters).</summary>
    private static string ShownQuery(string sql, params (string Name, string Literal)[] values) =>
        values.OrderByDescending(v => v.Name.Length).Aggregate(sql, (text, v) => text.Replace("@" + v.Name, v.Literal, StringComparison.Ordinal));

    private static string Time(DateTimeOffset time) => SqlText.Literal(time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture)) + "::timestamptz";
}
