using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// A share of the query slots per caller (an API key, or a signed-in user) for the API and the export. The store runs
/// only a few queries at a time for everyone; without a share, one read key sending slow queries in parallel held
/// every slot and everyone else's queries waited out their timeouts. A caller's queries beyond its share wait in its
/// own line (a dashboard's panels just queue); a line longer than <see cref="MaxWaiting"/> is refused with Loki's
/// query-frontend answer, 429 "too many outstanding requests". Callers are authenticated, so the lines are bounded.
/// </summary>
public sealed class CallerQueryLimit(IOptions<LogSourceOptions> options)
{
    public const string Refusal = "too many outstanding requests";

    /// <summary>Queries one caller may have waiting for its share.</summary>
    public const int MaxWaiting = 100;

    private readonly ConcurrentDictionary<string, Line> _lines = new(StringComparer.Ordinal);

    private LogSourceOptions Settings => options.Value;

    /// <summary>A filter for the endpoints that run queries.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var limit = http.RequestServices.GetRequiredService<CallerQueryLimit>();
        var line = limit._lines.GetOrAdd(ApiKeyAuthenticationHandler.CallerOf(http.User), _ => new Line(Math.Max(1, limit.Settings.MaxConcurrentQueriesPerCaller)));
        if (Interlocked.Increment(ref line.Waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref line.Waiting);
            return Refuse();
        }

        try
        {
            // Waiting counts against the query's timeout, as waiting for the store's own slots does.
            if (!await line.Slots.WaitAsync(limit.Settings.QueryTimeout, http.RequestAborted))
            {
                return Refuse();
            }
        }
        finally
        {
            Interlocked.Decrement(ref line.Waiting);
        }

        try
        {
            return await next(context);
        }
        finally
        {
            line.Slots.Release();
        }

        IResult Refuse()
        {
            http.Response.Headers.RetryAfter = "1";
            return Results.Text(Refusal, "text/plain; charset=utf-8", statusCode: StatusCodes.Status429TooManyRequests);
        }
    }


    private sealed class Line(int share)
    {
        public readonly SemaphoreSlim Slots = new(share);

        public int Waiting;
    }
}
