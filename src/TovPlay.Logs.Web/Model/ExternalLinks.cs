using TovPlay.Logs.Domain.LogQL.Building;

namespace TovPlay.Logs.Web.Model;

/// <summary>Where ids in log lines lead (section <c>Links</c>).</summary>
public sealed class ExternalLinksOptions
{
    public const string Section = "Links";

    /// <summary>A Jaeger trace page with <c>{traceId}</c> in it, e.g. <c>https://jaeger.example.org/trace/{traceId}</c>; empty for none.</summary>
    public string JaegerTraceUrl { get; set; } = "";
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
}
