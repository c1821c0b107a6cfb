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
/// Tells which statements of a transaction did not come from the session but from another statement: the deletes
/// of ON DELETE CASCADE (run inside the parent's referential trigger, so at a greater trigger depth) and the tables a
/// TRUNCATE ... CASCADE emptied with the one it named (same statement text, another table).
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
            for (var i = 0; i < ordered.Count; i++)
            {
                var statement = ordered[i];
                var before = ordered[..i];
                if (statement.TriggerDepth > 1)
                {
                    // The nearest earlier statement it cascades from by a declared key; else the nearest one it ran under.
                    var byKey = before.LastOrDefault(p => p.TriggerDepth < statement.TriggerDepth && cascadingKeys.Contains((statement.TableOid, p.TableOid)));
                    var under = before.LastOrDefault(p => p.TriggerDepth < statement.TriggerDepth);
                    if (byKey is not null)
                    {
                        caused[statement.Id] = new Caused(byKey, CascadeKind.ForeignKey);
                    }
                    else if (under is not null)
                    {
                        caused[statement.Id] = new Caused(under, CascadeKind.Trigger);
                    }
                }
                else if (statement.Action == "TRUNCATE" && StatementText.Verb(statement.Query) == "TRUNCATE" && !Names(statement.Query!, statement)
                    && before.FirstOrDefault(p => p.Action == "TRUNCATE" && p.Query == statement.Query && Names(p.Query!, p)) is { } named)
                {
                    caused[statement.Id] = new Caused(named, CascadeKind.Truncate);
                }
            }
        }

        return caused;
    }

    /// <summary>Whether the statement's text names the table (TRUNCATE games, lobbies; public.games; "games").</summary>
    private static bool Names(string query, AuditStatement statement) =>
        System.Text.RegularExpressions.Regex.IsMatch(query, $@"(?i)(^|[^\w$]){System.Text.RegularExpressions.Regex.Escape(statement.Table)}($|[^\w$])");
}
