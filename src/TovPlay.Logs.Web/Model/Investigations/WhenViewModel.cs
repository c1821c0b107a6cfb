using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Logs.Search;
using TovPlay.Logs.Web.Investigations;

namespace TovPlay.Logs.Web.Model.Investigations;

/// <summary>Where the incident window came from, so the page can say it.</summary>
public enum WindowOrigin
{
    None,
    Proposed,
    Adjusted,
    WholeRange,
}

/// <summary>
/// The WHEN step's state, shared by every scenario: the operator's approximate time or window, the activity charted
/// around it, and the incident window (proposed by the detector, or dragged by the operator on the chart).
/// </summary>
public sealed class WhenViewModel(ActivityReader reader, TimeProvider time)
{
    public ScenarioKind Scenario { get; set; } = ScenarioKind.Wipe;

    /// <summary>"around 10:30": when given it wins over the window, which then opens an hour either side.</summary>
    public string? Around { get; set; }

    public string From { get; set; } = "now-24h";

    public string To { get; set; } = "now";

    /// <summary>What the question is about: a wipe's table, an account's username, a path, a text (see <see cref="Scenario.SubjectLabel"/>).</summary>
    public string? Subject { get; set; }

    public string? AroundError { get; private set; }

    public string? RangeError { get; private set; }

    public string? SubjectError { get; private set; }

    public bool Loading { get; private set; }

    public ActivityAnswer? Activity { get; private set; }

    public DateTimeOffset? WindowStart { get; private set; }

    public DateTimeOffset? WindowEnd { get; private set; }

    public WindowOrigin Origin { get; private set; }

    /// <summary>The audit trail's series are shown while the log queries still run: nothing can be said of those yet.</summary>
    public bool LogsPending { get; private set; }

    public bool HasWindow => WindowStart is not null && WindowEnd is not null;

    /// <summary>The sentence under the chart: how the window was found, or why it is the whole range.</summary>
    public string WindowExplanation => Origin switch
    {
        WindowOrigin.Proposed => Activity!.Proposal!.Explanation,
        WindowOrigin.Adjusted => "You set this window on the chart.",
        WindowOrigin.WholeRange when LogsPending => "Nothing in the audit trail stands out so far; the logs are still being read.",
        WindowOrigin.WholeRange => "Nothing in this range stands out from its usual activity, so the whole range is the window; drag across the chart to narrow it.",
        _ => "",
    };

    public IEnumerable<ActivitySeries> AuditSeries => Activity?.Series.Where(s => ActivityQueries.IsAudit(s.Signal)) ?? [];

    public IEnumerable<ActivitySeries> LogSeries => Activity?.Series.Where(s => !ActivityQueries.IsAudit(s.Signal)) ?? [];

    /// <summary>Checks the question; reads the activity; proposes the window. False when a field needs fixing (its error says why).</summary>
    public async Task<bool> FindAsync(CancellationToken cancellationToken, Action? progressed = null)
    {
        var now = time.GetUtcNow();
        SubjectError = Domain.Investigations.Scenario.Of(Scenario).CheckSubject(Subject);
        AroundError = null;
        RangeError = null;
        DateTimeOffset start, end;
        DateTimeOffset? hint = null;
        if (!string.IsNullOrWhiteSpace(Around))
        {
            if (!ApproximateTime.TryParse(Around, now, out var around, out var aroundError))
            {
                AroundError = aroundError;
                return false;
            }

            hint = around;
            (start, end) = (around - ApproximateTime.Neighbourhood, Min(around + ApproximateTime.Neighbourhood, now));
        }
        else if (TimeRange.TryParse(From, To, out var range, out var rangeError, AuditFilter.MaxSpan))
        {
            (start, end) = range.Resolve(now);
        }
        else
        {
            RangeError = rangeError;
            return false;
        }

        if (SubjectError is not null)
        {
            return false;
        }

        Loading = true;
        try
        {
            // The audit trail's series come first (a wipe's window is there); the log series follow.
            void Show(ActivityAnswer answer, bool logsPending)
            {
                Activity = answer;
                LogsPending = logsPending;
                if (Origin != WindowOrigin.Adjusted || WindowStart is null)
                {
                    (WindowStart, WindowEnd, Origin) = answer.Proposal is { } proposal
                        ? (proposal.Start, proposal.End, WindowOrigin.Proposed)
                        : (start, end, WindowOrigin.WholeRange);
                }
            }

            Origin = WindowOrigin.None;
            WindowStart = null;
            Show(await reader.ReadAsync(Scenario, string.IsNullOrWhiteSpace(Subject) ? null : Subject.Trim(), start, end, hint, cancellationToken, partial: answer =>
            {
                Show(answer, logsPending: true);
                progressed?.Invoke();
            }), logsPending: false);
            return true;
        }
        finally
        {
            Loading = false;
            LogsPending = false;
        }
    }

    /// <summary>A fresh question for another scenario: nothing of the last one carries over.</summary>
    public void Reset(ScenarioKind scenario)
    {
        Scenario = scenario;
        (Around, From, To, Subject) = (null, "now-24h", "now", null);
        (AroundError, RangeError, SubjectError) = (null, null, null);
        (Activity, WindowStart, WindowEnd, Origin) = (null, null, null, WindowOrigin.None);
    }

    /// <summary>The operator dragged across the chart: that is the window now.</summary>
    public void Adjust(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
        {
            return;
        }

        (WindowStart, WindowEnd, Origin) = (start, end, WindowOrigin.Adjusted);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
