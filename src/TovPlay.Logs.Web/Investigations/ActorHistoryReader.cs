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
        var actors = AuditStatement.FirstOfEachTransaction(incident)
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
        DateTimeOffset? trailSince;
        await using (var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken))
        {
            trailSince = await AuditDatabase.TrailSinceAsync(connection, audit.Value.Schema, cancellationToken);
        }

        // Per kind of actor, one history and one look around the incident for all of them: each query reads the
        // whole lookback or window, so asking once per role or user would read it again each time. The kinds are
        // read side by side, each over a connection of its own.
        var kinds = await Task.WhenAll(actors.GroupBy(a => a.Kind).Select(async kind =>
        {
            var group = kind.ToList();
            await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
            var pasts = await HistoriesAsync(connection, group, before, cancellationToken);
            var others = await OtherAsync(connection, group, windowStart - Around, windowEnd + Around, transactions, cancellationToken);
            return group.SelectMany(actor =>
            {
                var (other, query) = others[actor];
                return ActorContext.Describe(pasts[actor.Name] with { Actor = actor, Before = before, TrailSince = trailSince }, other, query, now);
            }).ToList();
        }));
        return [.. kinds.SelectMany(k => k)];
    }

    /// <summary>How a connection over the database server's own socket shows in place of an address.</summary>
    public const string LocalSocket = "local socket";

    private string Statements => SqlText.Qualified(audit.Value.Schema, "statements");

    /// <summary>The SQL naming an actor of this kind (compared with <c>@names</c>), its test, and its address.</summary>
    private static (string Name, string Who, string Address) Columns(ActorKind kind) => kind == ActorKind.DatabaseRole
        ? ("session_role", "session_role = ANY(@names)", $"COALESCE(host(client_addr), '{LocalSocket}')")
        : ("CASE WHEN app_username = ANY(@names) THEN app_username ELSE app_user_id END", "(app_username = ANY(@names) OR app_user_id = ANY(@names))",
            "COALESCE(app_client_ip, '(none)')");

    /// <summary>Each actor's addresses and last appearance over the lookback, for all actors of one kind in one query.</summary>
    private async Task<Dictionary<string, ActorHistory>> HistoriesAsync(NpgsqlConnection connection, IReadOnlyList<Actor> actors, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var days = options.Value.LookbackDays;
        var (name, who, address) = Columns(actors[0].Kind);
        string Sql(string nameTest) => $"""
            SELECT {name} AS name, {address} AS address, count(*) AS statements, max(statement_at) AS last
            FROM {Statements}
            WHERE {nameTest} AND statement_at >= @from AND statement_at < @before
            GROUP BY 1, 2 ORDER BY 4 DESC
            """;
        var from = before.AddDays(-days);
        var names = actors.Select(a => a.Name).Distinct().ToArray();
        await using var command = new NpgsqlCommand(Sql(who), connection);
        command.Parameters.AddWithValue("names", names);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("before", before);
        var rows = new List<(string Name, UsedAddress Address)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), new UsedAddress(reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3))));
            }
        }

        return names.ToDictionary(n => n, n =>
        {
            var addresses = rows.Where(r => r.Name == n).Select(r => r.Address).Take(20).ToList();
            var snapshot = addresses.Count == 0
                ? "(no rows)"
                : string.Join("\n", addresses.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Address}\t{a.Statements}\t{a.Last.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z")));
            // The evidence asks for this actor alone: the same rows.
            return new ActorHistory(actors.First(a => a.Name == n), days, addresses, addresses.Count == 0 ? null : addresses.Max(a => a.Last),
                AuditDatabase.Shown(Sql(who).Replace("ANY(@names)", "@names", StringComparison.Ordinal), ("names", SqlText.Literal(n)), ("from", AuditDatabase.TimeLiteral(from)), ("before", AuditDatabase.TimeLiteral(before))), snapshot);
        });
    }

    /// <summary>What each actor of one kind did around the incident from its address, read in one query.</summary>
    private async Task<Dictionary<Actor, (IReadOnlyList<OtherActivity> Other, string Query)>> OtherAsync(
        NpgsqlConnection connection, IReadOnlyList<Actor> actors, DateTimeOffset from, DateTimeOffset to, long[] transactions, CancellationToken cancellationToken)
    {
        var (name, who, address) = Columns(actors[0].Kind);
        string Sql(string nameTest, string addressTest) => $"""
            SELECT {name} AS name, {address} AS address, schema_name || '.' || table_name, action, count(*), COALESCE(sum(row_count), 0)::bigint
            FROM {Statements}
            WHERE {nameTest} AND {address} {addressTest} AND statement_at >= @from AND statement_at < @to AND NOT (tx_id = ANY(@tx))
            GROUP BY 1, 2, 3, 4 ORDER BY 6 DESC, 5 DESC
            """;
        string AddressOf(Actor actor) => actor.Address ?? (actor.Kind == ActorKind.DatabaseRole ? LocalSocket : "(none)");
        await using var command = new NpgsqlCommand(Sql(who, "= ANY(@addresses)"), connection);
        command.Parameters.AddWithValue("names", actors.Select(a => a.Name).Distinct().ToArray());
        command.Parameters.AddWithValue("addresses", actors.Select(AddressOf).Distinct().ToArray());
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.AddWithValue("tx", transactions);
        var rows = new List<(string Name, string Address, OtherActivity Activity)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), new OtherActivity(reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5))));
            }
        }

        // The evidence asks for each actor alone, at its own address: the same rows.
        var single = Sql(who, "= @address").Replace("ANY(@names)", "@names", StringComparison.Ordinal);
        return actors.ToDictionary(a => a, a => ((IReadOnlyList<OtherActivity>)[.. rows.Where(r => r.Name == a.Name && r.Address == AddressOf(a)).Select(r => r.Activity)],
            AuditDatabase.Shown(single, ("names", SqlText.Literal(a.Name)), ("address", SqlText.Literal(AddressOf(a))), ("from", AuditDatabase.TimeLiteral(from)), ("to", AuditDatabase.TimeLiteral(to)),
                ("tx", $"ARRAY[{string.Join(", ", transactions)}]::bigint[]"))));
    }
}
