using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.PostgresLog;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>How a statement of a transaction was caused by another one in it.</summary>
public enum CascadeKind
{
    /// <summary>The child rows of a foreign key declared ON DELETE CASCADE.</summary>
    ForeignKey,

    /// <summary>A TRUNCATE ... CASCADE emptying the tables that reference the one it names.</summary>
    Truncate,

    /// <summary>Run inside another statement's triggers, by no cascading key: a trigger of the table.</summary>
    Trigger,
}

/// <summary>A statement caused by another of its transaction, and how.</summary>
public sealed record Caused(AuditStatement Parent, CascadeKind Kind)
{
    /// <summary>"by ON DELETE CASCADE from the DELETE on public.lobbies (statement 9)".</summary>
    public string Describe() => Kind switch
    {
        CascadeKind.ForeignKey => $"by ON DELETE CASCADE from the {Parent.Action} on {Parent.QualifiedTable} (statement {Parent.Id})",
        CascadeKind.Truncate => $"by the CASCADE of the TRUNCATE of {Parent.QualifiedTable} (statement {Parent.Id})",
        _ => $"by a trigger of the {Parent.Action} on {Parent.QualifiedTable} (statement {Parent.Id})",
    };
}

/// <summary>
/// Tells which statements of a transaction did not come from the session but from another statement. PostgreSQL runs
/// the deletes of ON DELETE CASCADE (and what a trigger does) inside the statement the session sent, so the audit row of
/// each carries that statement's text, which names another table: the statement that names its own table in that text
/// caused the others, by a foreign key declared to cascade when there is one between them, else by a trigger. A
/// TRUNCATE ... CASCADE empties the tables referencing the one it names, each recorded with its text.
/// </summary>
public static class Cascades
{
    /// <param name="cascadingKeys">Foreign keys declared ON DELETE CASCADE, as (referencing table, referenced table) oids.</param>
    public static IReadOnlyDictionary<long, Caused> Of(IReadOnlyList<AuditStatement> statements, IReadOnlySet<(uint Child, uint Parent)> cascadingKeys)
    {
        var caused = new Dictionary<long, Caused>();
        foreach (var transaction in statements.GroupBy(s => s.TxId))
        {
            var ordered = transaction.OrderBy(s => s.Id).ToList();
            foreach (var statement in ordered)
            {
                if (statement.Query is not { } query || Names(query, statement))
                {
                    continue;
                }

                // The other statements of the same text: the one that names its table is what the session sent.
                var same = ordered.Where(o => o != statement && o.Query == query && o.Table != statement.Table).ToList();
                var nearest = same.OrderBy(o => o.Id < statement.Id ? 0 : 1).ThenBy(o => Math.Abs(o.Id - statement.Id)).ToList();
                if (statement.Action == "TRUNCATE" && nearest.FirstOrDefault(o => o.Action == "TRUNCATE" && Names(query, o)) is { } truncated)
                {
                    caused[statement.Id] = new Caused(truncated, CascadeKind.Truncate);
                }
                else if (nearest.FirstOrDefault(o => o.Action == "DELETE" && cascadingKeys.Contains((statement.TableOid, o.TableOid))) is { } parent && statement.Action == "DELETE")
                {
                    caused[statement.Id] = new Caused(parent, CascadeKind.ForeignKey);
                }
                else if (nearest.FirstOrDefault(o => Names(query, o)) is { } sent)
                {
                    caused[statement.Id] = new Caused(sent, CascadeKind.Trigger);
                }
            }
        }

        return caused;
    }

    /// <summary>Whether the statement's text names the table (TRUNCATE games, lobbies; public.games; "games").</summary>
    private static bool Names(string query, AuditStatement statement) =>
        System.Text.RegularExpressions.Regex.IsMatch(query, $@"(?i)(^|[^\w$]){System.Text.RegularExpressions.Regex.Escape(statement.Table)}($|[^\w$])");
}
