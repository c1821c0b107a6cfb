using System.Text.Json;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Export;

namespace TovPlay.Logs.Domain.Tests.Logs.Export;

public sealed class LogExportTests
{
    private static readonly ExportedLine[] s_lines =
    [
        new(1_795_771_800_000_000_123, LabelSet.From(("job", "api"), ("level", "error")), "{\"msg\":\"boom, \\\"quoted\\\"\"}"),
        new(1_795_771_801_000_000_000, LabelSet.From(("job", "api")), "=HYPERLINK(\"http://evil.example\",\"click\")"),
        new(1_795_771_802_000_000_000, LabelSet.From(("job", "api")), "two\nlines"),
    ];

    private static async IAsyncEnumerable<ExportedLine> Lines()
    {
        foreach (var line in s_lines)
        {
            await Task.Yield();
            yield return line;
        }
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=a,\"b\"", "\"'=a,\"\"b\"\"\"")]
    [InlineData(" =1+1", "' =1+1")]
    [InlineData("\n=1+1", "\"'\n=1+1\"")]
    [InlineData("\uff1d1+1", "'\uff1d1+1")]
    [InlineData("|cmd", "'|cmd")]
    [InlineData("\u3000\uff20cmd", "'\u3000\uff20cmd")]
    [InlineData("  indented text", "  indented text")]
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    public void CsvCell_DefusesFormulas_AndQuotesWhatNeedsIt(string value, string expected)
    {
        Assert.Equal(expected, LogExport.CsvCell(value));
    }

    [Fact]
    public async Task WriteCsv_HeaderThenOneRecordPerLine()
    {
        var writer = new StringWriter();

        await LogExport.WriteCsvAsync(writer, Lines(), TestContext.Current.CancellationToken);

        Assert.Equal(
            "time,timestamp_ns,labels,line\r\n"
            + "2026-11-27T09:30:00.000000123Z,1795771800000000123,\"{job=\"\"api\"\", level=\"\"error\"\"}\",\"{\"\"msg\"\":\"\"boom, \\\"\"quoted\\\"\"\"\"}\"\r\n"
            + "2026-11-27T09:30:01.000000000Z,1795771801000000000,\"{job=\"\"api\"\"}\",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"\r\n"
            + "2026-11-27T09:30:02.000000000Z,1795771802000000000,\"{job=\"\"api\"\"}\",\"two\nlines\"\r\n",
            writer.ToString());
    }

    [Fact]
    public async Task WriteNdjson_OneObjectPerLine_ThatReadsBackExactly()
    {
        var writer = new StringWriter();

        await LogExport.WriteNdjsonAsync(writer, Lines(), TestContext.Current.CancellationToken);

        var records = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, records.Length);
        for (var i = 0; i < records.Length; i++)
        {
            using var doc = JsonDocument.Parse(records[i]);
            var root = doc.RootElement;
            Assert.Equal(s_lines[i].Line, root.GetProperty("line").GetString());
            Assert.Equal(s_lines[i].TimestampNs.ToString(System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("timestamp_ns").GetString());
            Assert.Equal(s_lines[i].Rfc3339, root.GetProperty("time").GetString());
            Assert.Equal(s_lines[i].Labels, LabelSet.From(root.GetProperty("labels").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!))));
        }
    }
}
