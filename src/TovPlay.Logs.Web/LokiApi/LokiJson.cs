using System.Globalization;
using System.Text.Json;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Writes Loki 2.8's response bodies: entry timestamps as strings of nanoseconds, matrix and vector timestamps as
/// seconds (a JSON integer when whole, else milliseconds after the point), sample values as strings in Go's shortest
/// form, and a <c>stats.summary</c> on every query.
/// </summary>
public static class LokiJson
{
    /// <summary>
    /// Escapes only what JSON requires (quotes as <c>\"</c>, control characters), as Loki's encoder does; the default
    /// encoder's HTML-safe <c>\u0022</c> escapes would make log lines, full of quotes, a fifth larger. These bodies are
    /// served as application/json, never embedded in a page.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Sends what is written so far once this much is pending: the client reads while the rest is written.</summary>
    private const int FlushEvery = 64 * 1024;

    /// <param name="flush">Pushes the written bytes to the client; called every <see cref="FlushEvery"/> bytes of streams.</param>
    public static async Task WriteQueryAsync(Utf8JsonWriter json, QueryResponse response, Func<Task> flush)
    {
        json.WriteStartObject();
        json.WriteString("status", "success");
        json.WriteStartObject("data");
        json.WriteString("resultType", response.Type switch
        {
            ResultType.Streams => "streams",
            ResultType.Matrix => "matrix",
            ResultType.Scalar => "scalar",
            _ => "vector",
        });
        if (response.Type == ResultType.Scalar)
        {
            // Prometheus' shape: the result is the point itself, [time, "value"].
            json.WritePropertyName("result");
            WritePoint(json, response.Series[0].Points[^1]);
            WriteStats(json, response);
            json.WriteEndObject();
            json.WriteEndObject();
            return;
        }

        json.WriteStartArray("result");
        switch (response.Type)
        {
            case ResultType.Streams:
                foreach (var stream in response.Streams)
                {
                    WriteStream(json, stream);
                    if (json.BytesPending > FlushEvery)
                    {
                        await flush();
                    }
                }

                break;
            case ResultType.Matrix:
                foreach (var series in response.Series)
                {
                    json.WriteStartObject();
                    WriteLabels(json, "metric", series.Labels);
                    json.WriteStartArray("values");
                    foreach (var point in series.Points)
                    {
                        WritePoint(json, point);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                break;
            default:
                foreach (var series in response.Series)
                {
                    json.WriteStartObject();
                    WriteLabels(json, "metric", series.Labels);
                    json.WritePropertyName("value");
                    WritePoint(json, series.Points[^1]);
                    json.WriteEndObject();
                }

                break;
        }

        json.WriteEndArray();
        WriteStats(json, response);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static void WriteStream(Utf8JsonWriter json, StreamResult stream) => Domain.Logs.Push.PushJson.WriteStream(json, stream.Labels, stream.Entries);

    public static void WriteLabels(Utf8JsonWriter json, string name, LabelSet labels)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in labels.Pairs)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    /// <summary><c>{"status":"success","data":[...]}</c>; Loki leaves <c>data</c> out when there are no values.</summary>
    public static void WriteStrings(Utf8JsonWriter json, IReadOnlyList<string> values)
    {
        json.WriteStartObject();
        json.WriteString("status", "success");
        if (values.Count > 0)
        {
            json.WriteStartArray("data");
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    public static void WriteSeries(Utf8JsonWriter json, IReadOnlyList<LabelSet> series)
    {
        json.WriteStartObject();
        json.WriteString("status", "success");
        json.WriteStartArray("data");
        foreach (var labels in series)
        {
            json.WriteStartObject();
            foreach (var (key, value) in labels.Pairs)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter json, SamplePoint point)
    {
        json.WriteStartArray();
        var ms = Math.Floor(point.TimestampNs / 1_000_000.0);
        if (ms % 1000 == 0)
        {
            json.WriteNumberValue((long)(ms / 1000));
        }
        else
        {
            json.WriteRawValue((ms / 1000).ToString("0.###", CultureInfo.InvariantCulture));
        }

        json.WriteStringValue(FormatValue(point.Value));
        json.WriteEndArray();
    }

    /// <summary>A sample value as Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c> writes it.</summary>
    public static string FormatValue(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('E', StringComparison.Ordinal))
        {
            return text;
        }

        // Go never uses an exponent in 'f' form: spell the shortest round-trip digits out in full.
        var exponentAt = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = text[..exponentAt];
        var exponent = int.Parse(text[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        var negative = mantissa.StartsWith('-');
        var digits = mantissa.TrimStart('-').Replace(".", "", StringComparison.Ordinal);
        var pointAt = (mantissa.TrimStart('-').IndexOf('.') is var p && p >= 0 ? p : mantissa.TrimStart('-').Length) + exponent;
        string result;
        if (pointAt <= 0)
        {
            result = "0." + new string('0', -pointAt) + digits;
        }
        else if (pointAt >= digits.Length)
        {
            result = digits + new string('0', pointAt - digits.Length);
        }
        else
        {
            result = digits[..pointAt] + "." + digits[pointAt..];
        }

        return negative ? "-" + result : result;
    }

    private static void WriteStats(Utf8JsonWriter json, QueryResponse response)
    {
        var stats = response.Statistics;
        var seconds = Math.Max(stats.ExecutionTime.TotalSeconds, 1e-9);
        json.WriteStartObject("stats");
        json.WriteStartObject("summary");
        json.WriteNumber("bytesProcessedPerSecond", (long)(stats.BytesProcessed / seconds));
        json.WriteNumber("linesProcessedPerSecond", (long)(stats.LinesProcessed / seconds));
        json.WriteNumber("totalBytesProcessed", stats.BytesProcessed);
        json.WriteNumber("totalLinesProcessed", stats.LinesProcessed);
        json.WriteNumber("execTime", stats.ExecutionTime.TotalSeconds);
        json.WriteNumber("queueTime", 0);
        json.WriteNumber("subqueries", 0);
        json.WriteNumber("totalEntriesReturned", response.Type == ResultType.Streams ? response.EntryCount : response.Series.Count);
        json.WriteNumber("splits", 1);
        json.WriteNumber("shards", 1);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
