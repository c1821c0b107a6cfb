using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>
/// Range aggregations over many entries, whose samples are extracted on several threads: the answers are those
/// worked out here line by line, and the source is read by one thread at a time.
/// </summary>
public sealed class ParallelSamplesTests
{
    private const long Ms = 1_000_000;
    private const long Minute = 60_000 * Ms;

    // Three streams of 20,000 JSON lines each, one every 9 ms: far more than a batch, so the workers take part.
    private static readonly List<LogStream> s_streams =
    [
        .. new[] { "info", "warn", "error" }.Select((level, s) => new LogStream(
            LabelSet.From(("job", "api"), ("level", level)),
            [.. Enumerable.Range(0, 20_000).Select(i => new LogEntry((i * 9 + s) * Ms, $"{{\"path\":\"/p{(i + s) % 7}\",\"duration_ms\":{(i * 31 + s) % 1000},\"user\":{{\"id\":{i % 50}}}}}"))])),
    ];

    private static (string Path, long Ts, int Duration)[] Lines() =>
    [
        .. s_streams.SelectMany((stream, s) => stream.Entries.Select((e, i) => ($"/p{(i + s) % 7}", e.TimestampNs, (i * 31 + s) % 1000))),
    ];

    [Theory]
    [InlineData("sum by (path) (sum_over_time({job=\"api\"} | json | unwrap duration_ms [1m]))", "sum")]
    [InlineData("max_over_time({job=\"api\"} | json | unwrap duration_ms [1m]) by (path)", "max")]
    public void UnwrappedDurationsByPath_AreEveryLinesDuration_InEveryWindow(string query, string aggregation)
    {
        Assert.True(s_streams.Sum(s => s.Entries.Count) > ParallelSamples.BatchSize * 8);
        var source = new OneReaderAtATimeSource(new InMemoryLogSource(s_streams));

        var result = MetricEvaluator.EvaluateRange(LogQLQuery.Parse(query), source, Minute, 3 * Minute, Minute);

        var lines = Lines();
        Assert.Equal(7, result.Series.Count);
        foreach (var series in result.Series)
        {
            var path = series.Labels["path"];
            Assert.Equal([Minute, 2 * Minute, 3 * Minute], series.Points.Select(p => p.TimestampNs));
            foreach (var point in series.Points)
            {
                var durations = lines.Where(l => l.Path == path && l.Ts > point.TimestampNs - Minute && l.Ts <= point.TimestampNs).Select(l => l.Duration).ToList();
                Assert.Equal(aggregation == "sum" ? durations.Sum() : durations.Max(), point.Value);
            }
        }
    }

    [Fact]
    public void CountsOfParsedLinesByNestedField_KeepEverySeriesApart()
    {
        var source = new OneReaderAtATimeSource(new InMemoryLogSource(s_streams));

        var result = MetricEvaluator.EvaluateInstant(LogQLQuery.Parse("count_over_time({job=\"api\"} | json [5m])"), source, 5 * Minute);

        // A series per distinct label set (the stream's level, path, duration and user id), of the lines in (0, 5m].
        var expected = s_streams.SelectMany((stream, s) => stream.Entries.Select((e, i) => (e.TimestampNs, Key: (stream.Labels["level"], (i + s) % 7, (i * 31 + s) % 1000, i % 50))))
            .Where(e => e.TimestampNs > 0)
            .Select(e => e.Key)
            .GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.Count, result.Series.Count);
        foreach (var series in result.Series)
        {
            var key = (series.Labels["level"]!, int.Parse(series.Labels["path"]![2..]), int.Parse(series.Labels["duration_ms"]!), int.Parse(series.Labels["user_id"]!));
            Assert.Equal(expected[key], Assert.Single(series.Points).Value);
        }
    }

    [Fact]
    public void AReadThatFailsHalfway_FailsTheQueryWithItsError_InsteadOfHanging()
    {
        var source = new FailingSource(new InMemoryLogSource(s_streams), failAfter: 25_000);

        var error = Assert.Throws<IOException>(() => MetricEvaluator.EvaluateRange(
            LogQLQuery.Parse("quantile_over_time(0.9, {job=\"api\"} | json | unwrap duration_ms [1m]) by (path)"), source, Minute, 3 * Minute, Minute));

        Assert.Equal("the store went away", error.Message);
    }

    [Fact]
    public void StreamsOfferedAsUtf8_AreReadAsUtf8_AndAnswerAsTheirText()
    {
        const string query = "quantile_over_time(0.9, {job=\"api\"} | json | unwrap duration_ms [1m]) by (path)";
        var fromText = MetricEvaluator.EvaluateRange(LogQLQuery.Parse(query), new InMemoryLogSource(s_streams), Minute, 3 * Minute, Minute);

        var fromBytes = MetricEvaluator.EvaluateRange(LogQLQuery.Parse(query), new Utf8OnlySource(new InMemoryLogSource(s_streams)), Minute, 3 * Minute, Minute);

        Assert.Equal(7, fromText.Series.Count);
        Assert.Equal(
            fromText.Series.Select(s => (s.Labels.ToString(), string.Join(',', s.Points))).Order(),
            fromBytes.Series.Select(s => (s.Labels.ToString(), string.Join(',', s.Points))).Order());
    }

    /// <summary>Offers each stream's lines as UTF-8, and fails the query if its text is read instead.</summary>
    private sealed class Utf8OnlySource(ILogStreamSource inner) : ILogStreamSource
    {
        public IEnumerable<StreamSlice> Select(LogSelection selection) =>
            inner.Select(selection).Select(slice => slice with
            {
                Entries = Unread(),
                Utf8Entries = slice.Entries.Select(e => new Utf8Entry(e.TimestampNs, System.Text.Encoding.UTF8.GetBytes(e.Line), e.Metadata)),
            });

        private static IEnumerable<LogEntry> Unread()
        {
            Assert.Fail("the text of a stream offered as UTF-8 was read");
            yield break;
        }
    }

    /// <summary>Fails the query when two threads read entries at once, and counts the threads that extracted.</summary>
    private sealed class OneReaderAtATimeSource(ILogStreamSource inner) : ILogStreamSource
    {
        private int _reading;

        public IEnumerable<StreamSlice> Select(LogSelection selection) =>
            inner.Select(selection).Select(slice => slice with { Entries = Checked(slice.Entries) });

        private IEnumerable<LogEntry> Checked(IEnumerable<LogEntry> entries)
        {
            using var enumerator = entries.GetEnumerator();
            while (true)
            {
                Assert.Equal(1, Interlocked.Increment(ref _reading));
                var more = enumerator.MoveNext();
                Interlocked.Decrement(ref _reading);
                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
    }

    private sealed class FailingSource(ILogStreamSource inner, int failAfter) : ILogStreamSource
    {
        public IEnumerable<StreamSlice> Select(LogSelection selection)
        {
            var read = 0;
            return inner.Select(selection).Select(slice => slice with { Entries = Failing(slice.Entries) });

            IEnumerable<LogEntry> Failing(IEnumerable<LogEntry> entries)
            {
                foreach (var entry in entries)
                {
                    if (++read > failAfter)
                    {
                        throw new IOException("the store went away");
                    }

                    yield return entry;
                }
            }
        }
    }
}
