using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TovPlay.Logs.Domain.Logs.Export;

/// <summary>
/// Writes search results for other tools: NDJSON (one object per line, for jq and re-ingestion) and CSV (for a
/// spreadsheet). CSV cells that a spreadsheet would run as a formula are defused, because log text is written by
/// whoever sent the request being logged.
/// </summary>
public static class LogExport
{
    public static readonly IReadOnlyList<string> CsvHeader = ["time", "timestamp_ns", "labels", "line"];

    private static readonly JsonWriterOptions s_json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteNdjsonAsync(TextWriter writer, IAsyncEnumerable<ExportedLine> lines, CancellationToken cancellationToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer, s_json))
            {
                json.WriteStartObject();
                json.WriteString("time", line.Rfc3339);
                json.WriteString("timestamp_ns", line.TimestampNs.ToString(CultureInfo.InvariantCulture));
                json.WriteStartObject("labels");
                foreach (var (name, value) in line.Labels.Pairs)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
                json.WriteString("line", line.Line);
                json.WriteEndObject();
            }

            await writer.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken);
            await writer.WriteAsync('\n');
        }
    }

    public static async Task WriteCsvAsync(TextWriter writer, IAsyncEnumerable<ExportedLine> lines, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(string.Join(',', CsvHeader) + "\r\n");
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(CsvRow([line.Rfc3339, line.TimestampNs.ToString(CultureInfo.InvariantCulture), line.Labels.ToString(), line.Line]).AsMemory(), cancellationToken);
        }
    }

    /// <summary>One CSV record (RFC 4180, CRLF-terminated) of defused cells.</summary>
    public static string CsvRow(IEnumerable<string> cells) => string.Join(',', cells.Select(CsvCell)) + "\r\n";

    /// <summary>
    /// A cell a spreadsheet shows as text: one starting with <c>= + - @</c> (or tab or carriage return, which some
    /// spreadsheets skip before looking) gets a leading apostrophe; quotes, commas and line breaks are quoted.
    /// </summary>
    public static string CsvCell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
