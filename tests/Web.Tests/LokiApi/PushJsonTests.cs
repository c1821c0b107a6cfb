using System.Text;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Web.LokiApi;
using PushJson = TovPlay.Logs.Web.LokiApi.PushJson;

namespace TovPlay.Logs.Web.Tests.LokiApi;

/// <summary>
/// The JSON push decoder's fast path (<see cref="PushJsonScanner"/>) must read every body exactly as the general
/// reader does, and leave every body it does not read to that reader, errors included.
/// </summary>
public sealed class PushJsonTests
{
    private const string LongLine = "0123456789abcdef";

    /// <summary>Bodies of the usual shape: the scanner reads them itself.</summary>
    public static TheoryData<string> Usual() =>
    [
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a"]]}]}""",
        " \r\n{ \"streams\" : [ { \"stream\" : { \"job\" : \"x\" , \"a\" : \"b\" } , \"values\" : [ [ \"1\" , \"a\" ] ,\t[ \"2\" , \"b\" ] ] } ] } \n",
        """{"streams":[{"values":[["5","first"]],"stream":{"job":"values first"}}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1795716635179651328","{\"level\":\"info\",\"msg\":\"a \\\"quoted\\\" word\\n\"}"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","{\u0022level\u0022:\u0022info\u0022} caf\u00e9 \u00E9 \u20ac \/ \b\f\n\r\t \\ end"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","ünïcödé ✓ 😀 中文"]]}]}""",
        """{"streams":[]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[]}]}""",
        """{"streams":[{"stream":{},"values":[["1","no labels"]]}]}""",
        """{"streams":[{"stream":{"job":"a\"b","sp ace":"\u00fc"},"values":[["1","x"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["0001","leading zeros"],["9223372036854775807","the largest"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a"]]},{"stream":{"job":"y"},"values":[["2","b"],["3",""]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1",""" + "\"" + string.Concat(Enumerable.Repeat(LongLine + "\\u0022", 200)) + "\"" + """]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1",""" + "\"" + string.Concat(Enumerable.Repeat(LongLine, 3_000)) + "\"" + """]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","nul \u0000 escaped"]]}]}""",
    ];

    /// <summary>Valid bodies of another shape: the general reader reads them.</summary>
    public static TheoryData<string> Unusual() =>
    [
        """{"streams":[{"stream":{"job":"x"},"values":[["1","with metadata",{"trace_id":"t1"}]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a pair \ud83d\ude00 escaped"]]}]}""",
        """{"other":1,"streams":[{"stream":{"job":"x"},"values":[["1","a"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"stream":{"job":"y"},"values":[["1","the later labels"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a"]],"values":[["2","b"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["\u0031","an escaped timestamp"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"extra":true,"values":[["1","a"]]}]}""",
        """{"streams":[{}]}""",
        """{}""",
    ];

    /// <summary>Bodies the general reader refuses: the scanner must not read any of them.</summary>
    public static TheoryData<string> Broken() =>
    [
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a"],]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a"]]},]}""",
        """{"streams":[{"stream":{"job":"x",},"values":[["1","a"]]}]}""",
        "{\"streams\":[{\"stream\":{\"job\":\"x\"},\"values\":[[\"1\",\"a raw \u0001 control\"]]}]}",
        "{\"streams\":[{\"stream\":{\"job\":\"x\"},\"values\":[[\"1\",\"a raw\nnewline\"]]}]}",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","bad \q escape"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a lone \ud800 half"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a lone \udc00 low half"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","short \u12"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","bad hex \u00G1"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a"]]}]} x""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a"]]}]}{}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","a"]]}]""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","unterminated""",
        """{"streams":[{"stream":{"job":"x"},"values":[["abc","x"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["-5","x"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["+1","x"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["","x"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[[" 1","x"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["9223372036854775808","x"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[[1,"x"]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1",2]]}]}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1"]]}]}""",
        """{"streams":[{"stream":{"job":1},"values":[["1","x"]]}]}""",
        """{"streams":[{"stream":{"job" "x"},"values":[["1","x"]]}]}""",
        """{"streams":null}""",
        """{"streams":[{"stream":{"job":"x"},"values":[["1","x"]]}]} // comment""",
        """not json""",
        "",
        "\uFEFF{\"streams\":[{\"stream\":{\"job\":\"x\"},\"values\":[[\"1\",\"after a byte order mark\"]]}]}",
    ];

    [Theory]
    [MemberData(nameof(Usual))]
    public void AUsualBody_IsReadByTheScanner_AsTheGeneralReaderReadsIt(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        Assert.True(PushJsonScanner.TryDecode(bytes, new LineSlab(), out var scanned));
        Assert.Equal(Describe(() => PushJson.DecodeWithReader(bytes, new LineSlab())), Describe(() => scanned));
        Assert.Equal(Describe(() => PushJson.DecodeWithReader(bytes, new LineSlab())), Describe(() => PushJson.Decode(bytes)));
    }

    [Theory]
    [MemberData(nameof(Unusual))]
    public void AnUnusualBody_IsLeftToTheGeneralReader_AndReadAsItReadsIt(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        Assert.False(PushJsonScanner.TryDecode(bytes, new LineSlab(), out _));
        var expected = Describe(() => PushJson.DecodeWithReader(bytes, new LineSlab()));
        Assert.DoesNotContain("error:", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Describe(() => PushJson.Decode(bytes)));
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void ABrokenBody_IsNeverReadByTheScanner_AndGetsTheGeneralReadersError(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        Assert.False(PushJsonScanner.TryDecode(bytes, new LineSlab(), out _));
        var expected = Describe(() => PushJson.DecodeWithReader(bytes, new LineSlab()));
        Assert.StartsWith("error: loghttp.PushRequest: ", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Describe(() => PushJson.Decode(bytes)));
    }

    [Fact]
    public void ALineThatIsNotUtf8_IsRefused_ByEitherPath()
    {
        var prefix = """{"streams":[{"stream":{"job":"x"},"values":[["1","bad """u8.ToArray();
        var suffix = """ bytes"]]}]}"""u8.ToArray();
        byte[] body = [.. prefix, 0xc3, 0x28, .. suffix];
        byte[] escaped = [.. """{"streams":[{"stream":{"job":"x"},"values":[["1","bad \n"""u8.ToArray(), 0xff, .. suffix];

        Assert.False(PushJsonScanner.TryDecode(body, new LineSlab(), out _));
        Assert.False(PushJsonScanner.TryDecode(escaped, new LineSlab(), out _));
        Assert.StartsWith("loghttp.PushRequest: ", Assert.Throws<PushFormatException>(() => PushJson.Decode(body)).Message, StringComparison.Ordinal);
        Assert.StartsWith("loghttp.PushRequest: ", Assert.Throws<PushFormatException>(() => PushJson.Decode(escaped)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinesOfOnePush_KeepTheirOwnBytes_WhetherShortOrLonger_ThanTheSlabsArrays()
    {
        // Enough lines to fill several of the slab's arrays, and lines longer than a quarter of one (their own array).
        var lines = Enumerable.Range(0, 400).Select(i => i % 50 == 7 ? new string((char)('a' + (i % 26)), 20_000 + i) : $"line {i} {new string('x', i)} \"q\" é").ToList();
        var body = Domain.Logs.Push.PushJson.Encode([PushStream.Of(Domain.Logs.LabelSet.From(("job", "x")), lines.Select((l, i) => new Domain.Logs.LogEntry(i + 1, l)))]);

        var decoded = Assert.Single(PushJson.Decode(body));

        Assert.True(PushJsonScanner.TryDecode(body, new LineSlab(), out _));
        Assert.Equal(lines, decoded.Entries.Select(e => Encoding.UTF8.GetString(e.Line.Span)));
    }

    /// <summary>Everything a decoded push holds, as text to compare; or the error's message.</summary>
    private static string Describe(Func<List<PushStream>> decode)
    {
        try
        {
            var text = new StringBuilder();
            foreach (var stream in decode())
            {
                text.Append(stream.Labels).Append('\n');
                foreach (var entry in stream.Entries)
                {
                    text.Append(entry.TimestampNs).Append(' ').Append(Convert.ToHexString(entry.Line.Span)).Append(' ').Append(entry.Metadata?.ToString() ?? "-").Append('\n');
                }
            }

            return text.ToString();
        }
        catch (PushFormatException ex)
        {
            return "error: " + ex.Message;
        }
    }
}
