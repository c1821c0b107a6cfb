using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Model.Queries;

/// <summary>
/// The query a page runs, as LogQL and, when it fits, as pickers; the query bar edits it both ways. A page says
/// which queries it takes through <c>normalize</c>: it returns the canonical text or throws with the reason.
/// What is typed in the box is the <see cref="Draft"/> until it is applied (Enter, APPLY, or the page's RUN), and
/// stays there, with the reason beside it, when it cannot be taken.
/// </summary>
public sealed class QueryEditor(Func<string, string> normalize, string initialQuery)
{
    public const int MaxQueryLength = 10_000;

    /// <summary>
    /// How much the query box lets a browser send: more than a query may hold, so a longer paste arrives whole and
    /// is refused with its length; a paste that fills the box to this (one more than a round 40,000) was cut by it,
    /// and is refused saying so rather than with a length that is not the paste's.
    /// </summary>
    public const int MaxDraftLength = (4 * MaxQueryLength) + 1;

    /// <summary>The query the page runs (the last one taken).</summary>
    public string Query { get; private set; } = initialQuery;

    /// <summary>The text in the query box: the query, or what the user typed since.</summary>
    public string Draft { get; set; } = initialQuery;

    /// <summary>True when the box holds text that differs from the query the page runs.</summary>
    public bool HasDraft => Draft != Query;

    /// <summary>Why the last query given was refused (LogQL errors say line and column); null when it was taken.</summary>
    public string? QueryError { get; private set; }

    /// <summary>The query in picker form, or null when it says more than the pickers can show.</summary>
    public PickerQuery? Picker { get; private set; } = PickerOf(initialQuery);

    /// <summary>True when the query is a metric query (a chart, not lines).</summary>
    public bool IsMetric => !LogQLQuery.Parse(Query).IsLogQuery;

    /// <summary>
    /// Takes a query: false (with <see cref="QueryError"/>) when this page cannot run it, and the text then stays in
    /// the box as it was typed, so it can be corrected.
    /// </summary>
    public bool SetQuery(string query)
    {
        Draft = query;
        if (query.Length >= MaxDraftLength)
        {
            QueryError = $"The query box takes {MaxDraftLength - 1:N0} characters and what was pasted was longer, so it was cut there; a query has at most {MaxQueryLength:N0}.";
            return false;
        }

        if (query.Length > MaxQueryLength)
        {
            QueryError = $"The query is {query.Length:N0} characters long; the limit is {MaxQueryLength:N0}.";
            return false;
        }

        try
        {
            var normalized = normalize(query);
            Query = normalized;
            Draft = normalized;
            QueryError = null;
            Picker = PickerOf(normalized);
            return true;
        }
        catch (Exception ex) when (ex is LogQLSyntaxException or ArgumentException)
        {
            QueryError = ex.Message;
            return false;
        }
    }

    /// <summary>Takes what is typed in the box (Enter, APPLY, RUN).</summary>
    public bool ApplyDraft() => SetQuery(Draft);

    public void SetPicker(PickerQuery picker) => SetQuery(picker.ToLogQL());

    /// <summary>
    /// Narrows a log query by a value seen in a line: a stream label becomes a selector matcher, a parsed field a
    /// label filter after the parser that reads it (added when the query has none). A metric query is left as is.
    /// </summary>
    public bool AddFilter(string name, string value, bool include, LineKind fieldOf = LineKind.Plain)
    {
        if (LogQLQuery.Parse(Query) is not LogQueryExpr query)
        {
            QueryError = "Filters from a line apply to log queries; this is a metric query.";
            return false;
        }

        var builder = LogQueryBuilder.From(query);
        if (fieldOf == LineKind.Plain)
        {
            builder = builder.Where(name, include ? MatchOperator.Equal : MatchOperator.NotEqual, value);
        }
        else
        {
            if (!query.Pipeline.Any(s => s is JsonParserStage or LogfmtParserStage))
            {
                builder = fieldOf == LineKind.Json ? builder.Json() : builder.Logfmt();
            }

            builder = builder.Label(name, value, include ? MatchOperator.Equal : MatchOperator.NotEqual);
        }

        return SetQuery(builder.ToString());
    }

    /// <summary>Any LogQL query, log or metric, in its canonical form.</summary>
    public static string AnyQuery(string query) => LogQLQuery.Print(LogQLQuery.Parse(query));

    private static PickerQuery? PickerOf(string query) =>
        LogQLQuery.Parse(query) is LogQueryExpr log ? PickerQuery.From(log) : null;
}
