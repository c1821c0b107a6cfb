using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.ApiKeys;

namespace TovPlay.Logs.Web.Tail;

/// <summary>
/// How many live tails one caller (an API key, or a signed-in user) may hold open through the hub and Loki's tail
/// socket. Every tail's filter runs over every pushed line; without a bound, one read key opening hundreds of tails
/// with costly filters held the cores for everyone.
/// </summary>
public sealed class CallerTailLimit(IOptions<TailOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public int Max => Math.Max(1, options.Value.MaxTailsPerCaller);

    public string Refusal => $"too many live tails: at most {Max} at once for one API key or user";

    /// <summary>A held place, released by disposing it; null when the caller holds <see cref="Max"/> already.</summary>
    public IDisposable? TryOpen(ClaimsPrincipal user)
    {
        var caller = ApiKeyAuthenticationHandler.CallerOf(user);
        while (true)
        {
            var open = _open.GetOrAdd(caller, 0);
            if (open >= Max)
            {
                return null;
            }

            if (_open.TryUpdate(caller, open + 1, open))
            {
                return new Place(this, caller);
            }
        }
    }

    private void Close(string caller) => _open.AddOrUpdate(caller, 0, (_, open) => Math.Max(0, open - 1));

    private sealed class Place(CallerTailLimit limit, string caller) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                limit.Close(caller);
            }
        }
    }
}
