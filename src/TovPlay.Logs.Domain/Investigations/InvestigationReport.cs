using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>A statement the report rests on, as it stood when the investigation ran.</summary>
public sealed record ReportStatement(
    long Id, long TxId, DateTimeOffset At, string Action, string Table, long Rows, string SessionRole, string? Application, string? ClientAddr,
    string? AppUser, string? CorrelationId)
{
    public static ReportStatement Of(AuditStatement s) => new(
        s.Id, s.TxId, s.StatementAt, s.Action, s.QualifiedTable, s.Rows, s.SessionRole, s.Application, s.ClientAddr, s.AppUsername ?? s.AppUserId, s.CorrelationId);
}

/// <summary>
/// What an investigation established, frozen when it is saved: the question and window, every finding with its
/// evidence snapshots, what could not be established, and the recommendations. It stands on its own after the logs
/// and audit rows behind it have passed retention.
/// </summary>
public sealed record InvestigationReport(
    string Scenario,
    string Title,
    DateTimeOffset GeneratedAt,
    string GeneratedBy,
    string? Table,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string WindowExplanation,
    IReadOnlyList<ReportStatement> Statements,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<Unknown> Unknowns,
    IReadOnlyList<Recommendation> Recommendations)
{
    public const int MaxTitleLength = 200;

    /// <summary>The title an operator starts from: the scenario, the table and the window's start.</summary>
    public static string DefaultTitle(Scenario scenario, string? table, DateTimeOffset windowStart) =>
        $"{scenario.Title}{(table is { Length: > 0 } ? $": {table}" : "")}, {windowStart.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    public IEnumerable<Finding> For(InvestigationStep step) => Findings.Where(f => f.Step == step);

    /// <summary>Each transaction's first statement, in id order: what RECOVER offers a restore script for.</summary>
    public IEnumerable<ReportStatement> Transactions => Statements.GroupBy(s => s.TxId).Select(g => g.MinBy(s => s.Id)!).OrderBy(s => s.Id);
}
