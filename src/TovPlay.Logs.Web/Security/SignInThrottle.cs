using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// Failed password sign-ins slow the next ones down instead of locking the account (see <see cref="SignInBackoff"/>):
/// per address and account name, a wait that doubles after <see cref="SecurityOptions.MaxFailedSignIns"/> failures up
/// to <see cref="SecurityOptions.LockoutDuration"/>; per account name from all addresses together, a gentler one
/// capped at <see cref="SecurityOptions.AccountBackoffCap"/>, which a browser the account signed in from before
/// skips. So a stranger guessing from one place is slowed to a crawl, guessing from many places stays slow, and the
/// owner at their usual browser is never shut out by either. Names are counted whether or not an account has them,
/// so the answers say nothing about which accounts exist.
/// </summary>
public sealed class SignInThrottle(IOptions<SecurityOptions> options, TimeProvider time)
{
    /// <summary>Tallies kept at most; beyond it the stalest are forgotten first, so sprayed names cannot exhaust memory.</summary>
    public const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    private SignInBackoff FromHere => new(options.Value.MaxFailedSignIns, options.Value.LockoutDuration);

    private SignInBackoff FromAnywhere => new(options.Value.MaxFailedSignIns * 4, options.Value.AccountBackoffCap);

    /// <summary>How long this attempt must still wait; zero when it may go ahead.</summary>
    public TimeSpan Wait(IPAddress? address, string account, bool knownDevice)
    {
        var here = Remaining(PairKey(address, account), FromHere);
        var anywhere = knownDevice ? TimeSpan.Zero : Remaining(AccountKey(account), FromAnywhere);
        return here > anywhere ? here : anywhere;
    }

    public void Failed(IPAddress? address, string account)
    {
        Bump(PairKey(address, account));
        Bump(AccountKey(account));
    }

    public void Succeeded(IPAddress? address, string account)
    {
        _tallies.TryRemove(PairKey(address, account), out _);
        _tallies.TryRemove(AccountKey(account), out _);
    }

    private static string Normal(string account) => account.Trim().ToUpperInvariant();

    private static string PairKey(IPAddress? address, string account) => $"{address}\n{Normal(account)}";

    private static string AccountKey(string account) => "\n" + Normal(account);

    private TimeSpan Remaining(string key, SignInBackoff backoff)
    {
        if (!_tallies.TryGetValue(key, out var tally))
        {
            return TimeSpan.Zero;
        }

        lock (tally)
        {
            var left = tally.Last + backoff.WaitAfter(tally.Failures) - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    private void Bump(string key)
    {
        var now = time.GetUtcNow();
        if (_tallies.Count >= MaxTracked && !_tallies.ContainsKey(key))
        {
            Forget(now);
        }

        var tally = _tallies.GetOrAdd(key, _ => new Tally());
        lock (tally)
        {
            // A tally older than the longest wait starts over: last month's typos do not count today.
            if (now - tally.Last > FromHere.Memory)
            {
                tally.Failures = 0;
            }

            tally.Failures++;
            tally.Last = now;
        }
    }

    /// <summary>Drops tallies past their memory; if that is not enough, the stalest tenth.</summary>
    private void Forget(DateTimeOffset now)
    {
        var memory = FromHere.Memory;
        foreach (var (key, tally) in _tallies)
        {
            if (now - tally.Last > memory)
            {
                _tallies.TryRemove(key, out _);
            }
        }

        if (_tallies.Count >= MaxTracked)
        {
            foreach (var (key, _) in _tallies.OrderBy(t => t.Value.Last).Take(MaxTracked / 10).ToList())
            {
                _tallies.TryRemove(key, out _);
            }
        }
    }

    private sealed class Tally
    {
        public int Failures { get; set; }

        public DateTimeOffset Last { get; set; } = DateTimeOffset.MinValue;
    }
}
