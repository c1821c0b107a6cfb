using System.Globalization;
using Microsoft.Extensions.Primitives;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Reads Loki's query parameters (from the query string or a POSTed form) with its rules and its error texts:
/// times as Unix seconds (10 digits or fewer), nanoseconds, float seconds or RFC 3339; steps as float seconds or a
/// duration; limit 100, a one-hour window ending now and backward direction by default.
/// </summary>
public sealed class LokiParameters(Func<string, StringValues> get, DateTimeOffset now)
{
    public static async Task<LokiParameters> FromAsync(HttpRequest request, TimeProvider time)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(request.HttpContext.RequestAborted) : null;
        return new LokiParameters(
            name => request.Query.TryGetValue(name, out var value) ? value : form is not null && form.TryGetValue(name, out var posted) ? posted : StringValues.Empty,
            time.GetUtcNow());
    }

    public string Query => get("query").ToString();

    public IReadOnlyList<string> Match => [.. get("match[]").Concat(get("match")).OfType<string>()];

    public long NowNs => TimeWindow.Ns(now);

    public long End => Time("end", NowNs);

    public long Start => Time("start", End - (long)TimeSpan.FromHours(1).TotalNanoseconds);

    public long InstantTime => Time("time", NowNs);

    public int Limit => Int("limit", 100);

    public Direction Direction => get("direction").ToString().ToLowerInvariant() switch
    {
        "" or "backward" => Direction.Backward,
        "forward" => Direction.Forward,
        var other => throw Bad($"invalid direction '{other}'"),
    };

    /// <summary>Null when absent (the source then picks Loki's default).</summary>
    public long? Step
    {
        get
        {
            var text = get("step").ToString();
            if (text.Length == 0)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return (long)Math.Round(seconds * 1e9);
            }

            return LogQLDuration.TryParse(text, out var duration)
                ? duration.Nanoseconds
                : throw Bad($"cannot parse \"{text}\" to a valid duration");
        }
    }

    public TimeSpan DelayFor
    {
        get
        {
            var seconds = Int("delay_for", 0);
            return seconds > 5 ? throw Bad("delay_for can't be greater than 5") : TimeSpan.FromSeconds(seconds);
        }
    }

    public bool Has(string name) => get(name).Count > 0;

    private int Int(string name, int fallback)
    {
        var text = get(name).ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Bad($"strconv.Atoi: parsing \"{text}\": invalid syntax");
    }

    private long Time(string name, long fallback)
    {
        var text = get(name).ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        if (text.Contains('.', StringComparison.Ordinal) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            var whole = Math.Truncate(seconds);
            var fraction = Math.Round((seconds - whole) * 1000) / 1000;
            return (long)whole * 1_000_000_000 + (long)(fraction * 1e9);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return text.Length <= 10 ? number * 1_000_000_000 : number;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            && text.Contains('T', StringComparison.Ordinal))
        {
            return TimeWindow.Ns(parsed);
        }

        throw Bad($"could not parse '{name}' parameter: strconv.ParseInt: parsing \"{text}\": invalid syntax");
    }

    private static LogSourceException Bad(string message) => new(LogSourceError.BadRequest, message);
}
