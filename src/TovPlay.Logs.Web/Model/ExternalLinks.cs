using TovPlay.Logs.Domain.LogQL.Building;

namespace TovPlay.Logs.Web.Model;

/// <summary>Where ids in log lines lead (section <c>Links</c>).</summary>
public sealed class ExternalLinksOptions
{
    public const string Section = "Links";

    /// <summary>A Jaeger trace page with <c>{traceId}</c> in it, e.g. <c>https://jaeger.example.org/trace/{traceId}</c>; empty for none.</summary>
    public string JaegerTraceUrl { get; set; } = "";

    /// <summary>Grafana's address (e.g. <c>https://grafana.example.org</c>) for "Open in Grafana Explore"; empty for none.</summary>
    public string GrafanaUrl { get; set; } = "";

    /// <summary>The uid of the Loki data source in that Grafana that reads the same logs.</summary>
    public string GrafanaLokiDatasourceUid { get; set; } = "";
}

/// <summary>
/// The links a field value gets: a correlation id opens the request's timeline (Search for every line with the id),
/// a trace id opens the trace in Jaeger when a URL template is configured.
/// </summary>
public sealed class ExternalLinks(Microsoft.Extensions.Options.IOptions<ExternalLinksOptions> options)
{
    public const int MaxIdLength = 200;

    public string? For(string field, string value)
    {
        if (value.Length is 0 or > MaxIdLength)
        {
            return null;
        }

        return field switch
        {
            "correlation_id" => "search?query=" + Uri.EscapeDataString(LogQueryBuilder.AnyJob().Contains(value).ToString()),
            "trace_id" when options.Value.JaegerTraceUrl.Contains("{traceId}", StringComparison.Ordinal) =>
                options.Value.JaegerTraceUrl.Replace("{traceId}", Uri.EscapeDataString(value), StringComparison.Ordinal),
            _ => null,
        };
    }

    /// <summary>The same query and range in Grafana Explore (Grafana 10+ address form), or null when no Grafana is configured.</summary>
    public string? GrafanaExplore(string query, string from, string to)
    {
        var grafana = options.Value.GrafanaUrl.TrimEnd('/');
        var uid = options.Value.GrafanaLokiDatasourceUid;
        if (grafana.Length == 0 || uid.Length == 0)
        {
            return null;
        }

        var panes = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["tovplay"] = new
            {
                datasource = uid,
                queries = new[] { new { refId = "A", expr = query, queryType = "range", datasource = new { type = "loki", uid } } },
                range = new { from, to },
            },
        });
        return $"{grafana}/explore?schemaVersion=1&orgId=1&panes={Uri.EscapeDataString(panes)}";
    }
}
