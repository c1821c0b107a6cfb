using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.Model;

namespace TovPlay.Logs.Web.Tests.Model;

public sealed class ExternalLinksTests
{
    private static ExternalLinks Links(string jaeger = "") => new(Options.Create(new ExternalLinksOptions { JaegerTraceUrl = jaeger }));

    [Fact]
    public void CorrelationId_OpensSearchForEveryLineWithIt_ValueEscaped()
    {
        var href = Links().For("correlation_id", "4f1c\"x");

        Assert.Equal("search?query=" + Uri.EscapeDataString("{job=~\".+\"} |= \"4f1c\\\"x\""), href);
    }

    [Fact]
    public void TraceId_OpensJaeger_OnlyWhenATemplateIsSet()
    {
        Assert.Equal("https://jaeger.example.org/trace/0af7651916cd43dd", Links("https://jaeger.example.org/trace/{traceId}").For("trace_id", "0af7651916cd43dd"));
        Assert.Null(Links().For("trace_id", "0af7651916cd43dd"));
    }

    [Theory]
    [InlineData("user_id", "7")]
    [InlineData("correlation_id", "")]
    public void OtherFieldsAndEmptyValues_HaveNoLink(string field, string value)
    {
        Assert.Null(Links("https://j/{traceId}").For(field, value));
    }

    [Fact]
    public void OverlongId_HasNoLink()
    {
        Assert.Null(Links().For("correlation_id", new string('a', ExternalLinks.MaxIdLength + 1)));
    }
}
