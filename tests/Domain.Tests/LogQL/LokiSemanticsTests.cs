using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Tests.LokiSemantics;

namespace TovPlay.Logs.Domain.Tests.LogQL;

/// <summary>
/// The evaluator asked every question a real Loki 2.8.0 answered over the same data (loki-2.8.0-semantics), each
/// compared as the fixture's README says; only the reviewed known differences may differ.
/// </summary>
public sealed class LokiSemanticsTests
{
    private static readonly Lazy<InMemoryLogSource> s_source = new(() => new InMemoryLogSource(
        SemanticsFixture.Streams.Select(s => new LogStream(LabelSet.From(s.Labels), [.. s.Entries.Select(e => new LogEntry(e.Ts, e.Line))]))));

    public static TheoryData<string> CaseIds => [.. SemanticsFixture.Cases.Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void TheEvaluator_AnswersAsLoki(string id)
    {
        var @case = SemanticsFixture.Case(id);

        KnownDifferences.Check(@case, Evaluate(@case, s_source.Value));
    }

    /// <summary>The same questions over a source that also offers its lines as UTF-8, as the store's head does.</summary>
    [Theory]
    [MemberData(nameof(CaseIds))]
    public void TheEvaluator_AnswersAsLoki_OverLinesKeptAsUtf8(string id)
    {
        var @case = SemanticsFixture.Case(id);

        KnownDifferences.Check(@case, Evaluate(@case, new Utf8Source(s_source.Value)));
    }

    private sealed class Utf8Source(ILogStreamSource inner) : ILogStreamSource
    {
        public IEnumerable<StreamSlice> Select(LogSelection selection) =>
            inner.Select(selection).Select(slice => slice with
            {
                Utf8Entries = slice.Entries.Select(e => new Utf8Entry(e.TimestampNs, System.Text.Encoding.UTF8.GetBytes(e.Line), e.Metadata)),
            });
    }

    private static Answer Evaluate(SemanticsCase @case, ILogStreamSource source)
    {
        if (@case.IsSeries)
        {
            var selectors = @case.Parameters.Where(p => p.Key == "match[]").Select(p => Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(p.Value)).Selector);
            var labels = selectors.SelectMany(s => source.Select(new LogSelection(s, @case.Nanoseconds("start"), @case.Nanoseconds("end"), Direction.Forward)))
                .Where(slice => slice.Entries.Any())
                .Select(slice => Answer.Labels(slice.Labels.Pairs));
            return new Answer(200, "series", labels.ToHashSet(StringComparer.Ordinal));
        }

        var limits = new QueryLimits();
        try
        {
            var expr = LogQLQuery.Parse(@case.Query, limits.Parse);
            if (expr is LogQueryExpr log)
            {
                var direction = @case["direction"] == "forward" ? Direction.Forward : Direction.Backward;
                var rows = LogQueryEvaluator.Run(log, source, @case.Nanoseconds("start"), @case.Nanoseconds("end"), direction, int.Parse(@case["limit"] ?? "100", System.Globalization.CultureInfo.InvariantCulture))
                    .Select(r => Answer.Row(Answer.Labels(r.Labels.Pairs), r.TimestampNs.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Line));
                return new Answer(200, "streams", rows.ToHashSet(StringComparer.Ordinal));
            }

            var result = @case.IsRange
                ? MetricEvaluator.EvaluateRange(expr, source, @case.Nanoseconds("start"), @case.Nanoseconds("end"), @case.StepNs!.Value)
                : MetricEvaluator.EvaluateInstant(expr, source, @case.Nanoseconds("time"));
            if (result.Series.Count > limits.MaxSeries)
            {
                return Answer.Error(400, limits.TooManySeries);
            }

            if (result.IsScalar)
            {
                return @case.IsRange
                    ? new Answer(200, "matrix", result.Series[0].Points.Select(p => Answer.Row("{}", p.TimestampNs.ToString(System.Globalization.CultureInfo.InvariantCulture), Answer.Value(p.Value))).ToHashSet(StringComparer.Ordinal))
                    : new Answer(200, "scalar", result.Series[0].Points.Select(p => Answer.Value(p.Value)).ToHashSet(StringComparer.Ordinal));
            }

            return @case.IsRange
                ? new Answer(200, "matrix", result.Series.SelectMany(s => s.Points.Select(p => Answer.Row(Answer.Labels(s.Labels.Pairs), p.TimestampNs.ToString(System.Globalization.CultureInfo.InvariantCulture), Answer.Value(p.Value)))).ToHashSet(StringComparer.Ordinal))
                : new Answer(200, "vector", result.Series.Select(s => Answer.Row(Answer.Labels(s.Labels.Pairs), Answer.Value(s.Points[0].Value))).ToHashSet(StringComparer.Ordinal));
        }
        catch (LogQLSyntaxException ex)
        {
            return Answer.Error(400, ex.LokiMessage);
        }
        catch (EvaluationException ex)
        {
            return Answer.Error(400, ex.Message);
        }
    }
}
