using System.Globalization;
using System.Text.Json;

namespace TovPlay.Logs.Domain.Logs.Push;

/// <summary>
/// Loki's JSON for streams, as a push request body (<c>{"streams":[{"stream":{labels},"values":[["ns","line"]]}]}</c>)
/// and as the streams of a query answer, which have the same shape.
/// </summary>
public static class PushJson
{
    /// <summary>One stream: <c>{"stream":{labels},"values":[["ns","line"], ...]}</c>.</summary>
    public static void WriteStream(Utf8JsonWriter json, LabelSet labels, IEnumerable<LogEntry> entries)
    {
        WriteLabels(json, labels);
        foreach (var entry in entries)
        {
            json.WriteStartArray();
            json.WriteStringValue(entry.TimestampNs.ToString(CultureInfo.InvariantCulture));
            json.WriteStringValue(entry.Line);
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// A push request of the streams. Structured metadata is left out: Loki 2.8's push API knows only timestamps and
    /// lines, and refuses a third element.
    /// </summary>
    public static byte[] Encode(IEnumerable<PushStream> streams)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("streams");
            foreach (var stream in streams)
            {
                WriteLabels(json, stream.Labels);
                foreach (var entry in stream.Entries)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(entry.TimestampNs.ToString(CultureInfo.InvariantCulture));
                    json.WriteStringValue(entry.Line.Span);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Opens a stream's object, writes its labels and opens its values.</summary>
    private static void WriteLabels(Utf8JsonWriter json, LabelSet labels)
    {
        json.WriteStartObject();
        json.WriteStartObject("stream");
        foreach (var (name, value) in labels.Pairs)
        {
            json.WriteString(name, value);
        }

        json.WriteEndObject();
        json.WriteStartArray("values");
    }
}
