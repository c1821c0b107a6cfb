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

    [Fact]
    public void GrafanaExplore_CarriesTheQueryAndRange_ToTheConfiguredLokiDataSource()
    {
        var links = new ExternalLinks(Options.Create(new ExternalLinksOptions { GrafanaUrl = "https://grafana.example.org/", GrafanaLokiDatasourceUid = "loki-prod" }));

        var href = links.GrafanaExplore("{job=\"api\"} |= \"a&b\"", "now-15m", "now");

        Assert.NotNull(href);
        Assert.StartsWith("https://grafana.example.org/explore?schemaVersion=1&orgId=1&panes=", href);
        var panes = System.Text.Json.JsonDocument.Parse(Uri.UnescapeDataString(href[(href.IndexOf("panes=", StringComparison.Ordinal) + 6)..])).RootElement;
        var pane = panes.EnumerateObject().Single().Value;
        Assert.Equal("loki-prod", pane.GetProperty("datasource").GetString());
        Assert.Equal("{job=\"api\"} |= \"a&b\"", pane.GetProperty("queries")[0].GetProperty("expr").GetString());
        Assert.Equal("loki", pane.GetProperty("queries")[0].GetProperty("datasource").GetProperty("type").GetString());
        Assert.Equal(("now-15m", "now"), (pane.GetProperty("range").GetProperty("from").GetString(), pane.GetProperty("range").GetProperty("to").GetString()));
    }

    [Fact]
    public void GrafanaExplore_NotConfigured_IsNoLink() => Assert.Null(Links().GrafanaExplore("{job=\"api\"}", "now-1h", "now"));
}
