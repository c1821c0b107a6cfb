using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Logs;

public sealed class LineFieldsTests
{
    [Fact]
    public void Extract_Json_FlattensAsTheJsonStageDoes()
    {
        var (kind, fields) = LineFields.Extract("""{"level":"error","user":{"id":7,"name":"ann"},"tags":["a"],"http-status":500}""");

        Assert.Equal(LineKind.Json, kind);
        Assert.Equal(
            [new("level", "error"), new("user_id", "7"), new("user_name", "ann"), new("http_status", "500")],
            fields);
    }

    [Fact]
    public void Extract_Logfmt_ReadsKeyValuePairs()
    {
        var (kind, fields) = LineFields.Extract("level=warn msg=\"disk almost full\" free_mb=120");

        Assert.Equal(LineKind.Logfmt, kind);
        Assert.Equal([new("level", "warn"), new("msg", "disk almost full"), new("free_mb", "120")], fields);
    }

    [Theory]
    [InlineData("plain text without pairs")]
    [InlineData("{ not json and no pairs")]
    [InlineData("")]
    public void Extract_NeitherJsonNorLogfmt_IsPlainWithoutFields(string line)
    {
        var (kind, fields) = LineFields.Extract(line);

        Assert.Equal(LineKind.Plain, kind);
        Assert.Empty(fields);
    }
}
