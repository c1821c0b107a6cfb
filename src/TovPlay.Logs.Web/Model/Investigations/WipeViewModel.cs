using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Logs.Search;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Model.Investigations;

/// <summary>The wiped-table investigation's page state: the question as typed (table, window) and the answers found.</summary>
public sealed class WipeViewModel(WipeInvestigator investigator, TimeProvider time)
{
    public string? Table { get; set; }

    public string From { get; set; } = "now-24h";

    public string To { get; set; } = "now";

    public string? TableError { get; private set; }

    public string? RangeError { get; private set; }

    public string? Error { get; private set; }

    public bool Running { get; private set; }

    public IReadOnlyList<AuditStatement> Statements { get; private set; } = [];

    public InvestigationResult? Result { get; private set; }

    public IReadOnlyList<Recommendation> Recommendations { get; private set; } = [];

    /// <summary>The transactions the answer found (a restore script each), first statement of each.</summary>
    public IEnumerable<AuditStatement> Transactions => Statements.GroupBy(s => s.TxId).Select(g => g.OrderBy(s => s.Id).First());

    public async Task InvestigateAsync(CancellationToken cancellationToken)
    {
        TableError = Table is { Length: > AuditFilter.MaxTextLength } ? $"Longer than {AuditFilter.MaxTextLength} characters." : null;
        RangeError = TimeRange.TryParse(From, To, out var range, out var rangeError, AuditFilter.MaxSpan) ? null : rangeError;
        if (TableError is not null || RangeError is not null)
        {
            return;
        }

        Running = true;
        Error = null;
        try
        {
            var (start, end) = range.Resolve(time.GetUtcNow());
            var answer = await investigator.InvestigateAsync(string.IsNullOrWhiteSpace(Table) ? null : Table.Trim(), start, end, cancellationToken);
            (Statements, Result, Recommendations) = (answer.Statements, answer.Result, answer.Recommendations);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or LogSourceException)
        {
            Error = "The investigation could not read its sources: " + ex.Message;
            Result = null;
        }
        finally
        {
            Running = false;
        }
    }
}
