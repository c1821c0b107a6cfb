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
    /// A cell a spreadsheet shows as text: one that starts with a formula character (<c>= + - @ |</c>, or its
    /// full-width form, which some spreadsheets read as the same), also after leading spaces or line breaks that
    /// spreadsheets skip, or that starts with a tab or a line break, gets a leading apostrophe; quotes, commas and line
    /// breaks are quoted.
    /// </summary>
    public static string CsvCell(string value)
    {
        var first = value.AsSpan().IndexOfAnyExcept(" \t\r\n\u00a0\u3000");
        var risky = value.Length > 0 && (value[0] is '\t' or '\r' or '\n' || first >= 0 && s_formulaStarts.Contains(value[first]));
        if (risky)
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static readonly System.Buffers.SearchValues<char> s_formulaStarts = System.Buffers.SearchValues.Create("=+-@|\uff1d\uff0b\uff0d\uff20\uff5c");
}
