using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Model.Investigations;

/// <summary>
/// A wizard's state, whatever the scenario: the WHEN step's question and window, then one investigation of that
/// window by the scenario's investigator, whose findings the WHAT, WHO and WHY/HOW steps show, with PREVENT and
/// RECOVER built from them.
/// </summary>
public sealed class InvestigationViewModel(WhenViewModel when, IEnumerable<IScenarioInvestigator> investigators, Microsoft.Extensions.Options.IOptions<Web.Audit.AuditOptions> audit)
{
    /// <summary>Whether the audited database is configured: without it, RECOVER has nothing it could restore from.</summary>
    public bool AuditConfigured => audit.Value.IsConfigured;

    /// <summary>
    /// What this scenario cannot do with the sources configured, in one sentence, or null: a wipe is answered from the
    /// audit trail; the other scenarios read the logs and use the trail where there is one.
    /// </summary>
    public string? MissingSource => When.Scenario == ScenarioKind.Wipe && !AuditConfigured
        ? "This scenario reads the audit trail, and no audited database is configured: WHEN charts the logs only, and WHAT, WHO, WHY/HOW and RECOVER cannot be answered until one is."
        : null;

    /// <summary>Whether the steps after WHEN have an answer that stands on every source they need (a step is marked done only then).</summary>
    public bool Complete => IsCurrent && MissingSource is null;

    public WhenViewModel When { get; } = when;

    public Scenario Scenario => Scenario.Of(When.Scenario);

    public string? Error { get; private set; }

    public bool Running => _running is { IsCompleted: false };

    private Task? _running;
    private ScenarioQuestion? _runningFor;
    private readonly Lock _gate = new();

    public IReadOnlyList<AuditStatement> Statements { get; private set; } = [];

    public InvestigationResult? Result { get; private set; }

    public IReadOnlyList<Recommendation> Recommendations { get; private set; } = [];

    /// <summary>The question the current answer is for, so a changed window runs the investigation again.</summary>
    public ScenarioQuestion? AnsweredFor { get; private set; }

    /// <summary>The transactions the answer found (a restore script each), first statement of each.</summary>
    public IEnumerable<AuditStatement> Transactions => AuditStatement.FirstOfEachTransaction(Statements);

    public bool IsCurrent => Result is not null && AnsweredFor == Question;

    /// <summary>The title the REPORT step offers to save under; the operator may change it.</summary>
    public string? Title { get; set; }

    public string? TitleError { get; private set; }

    public string DefaultTitle => AnsweredFor is { } answered ? InvestigationReport.DefaultTitle(Scenario, answered.Subject, answered.Start) : "";

    private ScenarioQuestion? Question => When.HasWindow
        ? new ScenarioQuestion(When.Scenario, string.IsNullOrWhiteSpace(When.Subject) ? null : When.Subject.Trim(), When.WindowStart!.Value, When.WindowEnd!.Value)
        : null;

    /// <summary>Starts over on <paramref name="scenario"/> (the page was opened, or moved to another scenario).</summary>
    public void Start(ScenarioKind scenario)
    {
        When.Reset(scenario);
        (Statements, Result, Recommendations, AnsweredFor, Error, Title, TitleError) = ([], null, [], null, null, null, null);
    }

    /// <summary>
    /// Answers WHAT, WHO, WHY/HOW and PREVENT for the chosen window (once per window). WHEN proposes a window from the
    /// audit trail first and may move it when the logs are read, while the operator may already have moved on: a call
    /// while an answer is coming waits for it, and an answer for a window that has moved meanwhile is followed by one
    /// for the window as it now is, so the steps never sit empty with nothing running.
    /// </summary>
    public async Task InvestigateAsync(CancellationToken cancellationToken)
    {
        while (Question is { } question && !IsCurrent)
        {
            // Two callers resumed by the same finished answer may check at once (off the circuit's context, as in a
            // test or a background caller): exactly one of them starts the next answer, the other waits for it.
            Task run;
            ScenarioQuestion? runFor;
            lock (_gate)
            {
                if (_running is not { IsCompleted: false })
                {
                    if (IsCurrent)
                    {
                        return;
                    }

                    (_running, _runningFor) = (AnswerAsync(question, cancellationToken), question);
                }

                (run, runFor) = (_running, _runningFor);
            }

            // An answer that failed for the window as it is ends here, with its error shown; one that failed for a
            // window moved since is followed by one for the window as it is.
            await run;
            if (Error is not null && runFor == Question)
            {
                return;
            }
        }
    }

    private async Task AnswerAsync(ScenarioQuestion question, CancellationToken cancellationToken)
    {
        Error = null;
        try
        {
            var investigator = investigators.FirstOrDefault(i => i.Kind == question.Scenario)
                ?? throw new InvalidOperationException($"No investigator answers \"{Scenario.Title}\".");
            var answer = await investigator.InvestigateAsync(question, cancellationToken);
            (Statements, Result, Recommendations) = (answer.Statements, answer.Result, answer.Recommendations);
            AnsweredFor = question;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or LogSourceException)
        {
            Error = "The investigation could not read its sources: " + ex.Message;
            Result = null;
            AnsweredFor = null;
        }
    }

    /// <summary>The answer frozen as a report, as of now, by <paramref name="by"/>; null before there is a current answer.</summary>
    public InvestigationReport? Report(string by, DateTimeOffset now)
    {
        if (!IsCurrent || AnsweredFor is not { } answered)
        {
            return null;
        }

        return new InvestigationReport(Scenario.Title, string.IsNullOrWhiteSpace(Title) ? DefaultTitle : Title.Trim(),
            now, by, answered.Subject, answered.Start, answered.End, When.WindowExplanation,
            [.. Statements.Select(ReportStatement.Of)], Result!.Findings, Result.Unknowns, Recommendations);
    }

    /// <summary>Checks the title before saving; false (with <see cref="TitleError"/>) when it is too long.</summary>
    public bool ValidateTitle()
    {
        TitleError = Title is { Length: > InvestigationReport.MaxTitleLength } ? $"Longer than {InvestigationReport.MaxTitleLength} characters." : null;
        return TitleError is null;
    }
}
