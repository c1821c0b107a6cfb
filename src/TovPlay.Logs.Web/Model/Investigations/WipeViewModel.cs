using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Model.Investigations;

/// <summary>
/// The wiped-table wizard's state: the WHEN step's question and window, then one investigation of that window whose
/// findings the WHAT, WHO and WHY/HOW steps show, and the PREVENT and RECOVER answers built from them.
/// </summary>
public sealed class WipeViewModel(WhenViewModel when, WipeInvestigator investigator)
{
    public WhenViewModel When { get; } = when;

    public string? Error { get; private set; }

    public bool Running { get; private set; }

    public IReadOnlyList<AuditStatement> Statements { get; private set; } = [];

    public InvestigationResult? Result { get; private set; }

    public IReadOnlyList<Recommendation> Recommendations { get; private set; } = [];

    /// <summary>The window the current answer is for, so a changed window runs the investigation again.</summary>
    public (DateTimeOffset Start, DateTimeOffset End, string? Table)? AnsweredFor { get; private set; }

    /// <summary>The transactions the answer found (a restore script each), first statement of each.</summary>
    public IEnumerable<AuditStatement> Transactions => Statements.GroupBy(s => s.TxId).Select(g => g.OrderBy(s => s.Id).First());

    public bool IsCurrent => Result is not null && AnsweredFor == Key;

    private (DateTimeOffset, DateTimeOffset, string?)? Key => When.HasWindow ? (When.WindowStart!.Value, When.WindowEnd!.Value, TableName) : null;

    private string? TableName => string.IsNullOrWhiteSpace(When.Table) ? null : When.Table.Trim();

    /// <summary>The title the REPORT step offers to save under; the operator may change it.</summary>
    public string? Title { get; set; }

    public string? TitleError { get; private set; }

    /// <summary>The answer frozen as a report, as of now, by <paramref name="by"/>; null before there is a current answer.</summary>
    public InvestigationReport? Report(string by, DateTimeOffset now)
    {
        if (!IsCurrent || AnsweredFor is not { } answered)
        {
            return null;
        }

        var scenario = Scenario.FromSlug("wipe")!;
        return new InvestigationReport(scenario.Title, string.IsNullOrWhiteSpace(Title) ? InvestigationReport.DefaultTitle(scenario, answered.Table, answered.Start) : Title.Trim(),
            now, by, answered.Table, answered.Start, answered.End, When.WindowExplanation,
            [.. Statements.Select(ReportStatement.Of)], Result!.Findings, Result.Unknowns, Recommendations);
    }

    /// <summary>Checks the title before saving; false (with <see cref="TitleError"/>) when it is too long.</summary>
    public bool ValidateTitle()
    {
        TitleError = Title is { Length: > InvestigationReport.MaxTitleLength } ? $"Longer than {InvestigationReport.MaxTitleLength} characters." : null;
        return TitleError is null;
    }

    /// <summary>Answers WHAT, WHO, WHY/HOW and PREVENT for the chosen window (once per window).</summary>
    public async Task InvestigateAsync(CancellationToken cancellationToken)
    {
        if (Key is not { } key || IsCurrent)
        {
            return;
        }

        Running = true;
        Error = null;
        try
        {
            var answer = await investigator.InvestigateAsync(key.Item3, key.Item1, key.Item2, cancellationToken);
            (Statements, Result, Recommendations) = (answer.Statements, answer.Result, answer.Recommendations);
            AnsweredFor = key;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or LogSourceException)
        {
            Error = "The investigation could not read its sources: " + ex.Message;
            Result = null;
            AnsweredFor = null;
        }
        finally
        {
            Running = false;
        }
    }
}
