using System.Globalization;
using System.Text.Json;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogSources.Loki;

/// <summary>
/// Reads Loki 2.8's response bodies into the source model: entry timestamps are strings of nanoseconds, matrix
/// points are [seconds, "value"] and vector values [float seconds, "value"]; a third element of an entry (Loki 3's
/// structured metadata) is kept as metadata; label order inside a stream object is not significant.
/// </summary>
public static class LokiResponseReader
{
    public static QueryResponse ReadQuery(JsonElement root)
    {
        var data = root.GetProperty("data");
        var type = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        var statistics = ReadStatistics(data);
        switch (type)
        {
            case "streams":
                var streams = result.EnumerateArray().Select(ReadStream).ToList();
                return new QueryResponse(ResultType.Streams, streams, []) { Statistics = statistics };
            case "matrix":
                var matrix = result.EnumerateArray().Select(s => new MetricSeries(
                    ReadLabels(s.GetProperty("metric")),
                    [.. s.GetProperty("values").EnumerateArray().Select(ReadPoint)])).ToList();
                return new QueryResponse(ResultType.Matrix, [], matrix) { Statistics = statistics };
            case "vector":
                var vector = result.EnumerateArray().Select(s => new MetricSeries(
                    ReadLabels(s.GetProperty("metric")),
                    [ReadPoint(s.GetProperty("value"))])).ToList();
                return new QueryResponse(ResultType.Vector, [], vector) { Statistics = statistics };
            case "scalar":
                return new QueryResponse(ResultType.Scalar, [], [new MetricSeries(LabelSet.Empty, [ReadPoint(result)])]) { Statistics = statistics };
            default:
                throw new LogSourceException(LogSourceError.Internal, $"unsupported response type, got ({type})");
        }
    }

    public static StreamResult ReadStream(JsonElement stream)
    {
        var labels = ReadLabels(stream.GetProperty("stream"));
        var entries = stream.GetProperty("values").EnumerateArray().Select(v => new LogEntry(
            long.Parse(v[0].GetString()!, CultureInfo.InvariantCulture),
            v[1].GetString()!,
            v.GetArrayLength() > 2 && v[2].ValueKind == JsonValueKind.Object ? ReadLabels(v[2]) : null)).ToList();
        return new StreamResult(labels, entries);
    }

    public static LabelSet ReadLabels(JsonElement labels) =>
        LabelSet.From([.. labels.EnumerateObject().Select(p => (p.Name, p.Value.GetString() ?? ""))]);

    /// <summary><c>{"status":"success","data":[...]}</c>, where a missing data means none.</summary>
    public static IReadOnlyList<string> ReadStrings(JsonElement root) =>
        root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? [.. data.EnumerateArray().Select(e => e.GetString()!)]
            : [];

    public static IReadOnlyList<LabelSet> ReadSeries(JsonElement root) =>
        root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? [.. data.EnumerateArray().Select(ReadLabels)]
            : [];

    /// <summary>A tail frame: one entry per stream object, and <c>dropped_entries</c> when the server dropped some.</summary>
    public static TailBatch ReadTailFrame(JsonElement frame)
    {
        var streams = frame.TryGetProperty("streams", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(ReadStream).ToList()
            : [];
        var dropped = frame.TryGetProperty("dropped_entries", out var d) && d.ValueKind == JsonValueKind.Array
            ? d.EnumerateArray().Select(e => new DroppedEntry(
                ReadLabels(e.GetProperty("labels")),
                long.Parse(e.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture))).ToList()
            : [];
        return new TailBatch(streams, dropped);
    }

    private static SamplePoint ReadPoint(JsonElement point)
    {
        var seconds = point[0].GetDouble();
        var text = point[1].GetString()!;
        var value = text switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };

        // Seconds with millisecond precision: round to whole milliseconds to undo the float's error.
        return new SamplePoint((long)Math.Round(seconds * 1000) * 1_000_000, value);
    }

    private static QueryStatistics ReadStatistics(JsonElement data)
    {
        if (!data.TryGetProperty("stats", out var stats) || !stats.TryGetProperty("summary", out var summary))
        {
            return new QueryStatistics();
        }

        long Long(string name) => summary.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
        return new QueryStatistics
        {
            LinesProcessed = Long("totalLinesProcessed"),
            BytesProcessed = Long("totalBytesProcessed"),
            ExecutionTime = summary.TryGetProperty("execTime", out var exec) ? TimeSpan.FromSeconds(exec.GetDouble()) : TimeSpan.Zero,
            EntriesReturned = (int)Long("totalEntriesReturned"),
        };
    }
}
