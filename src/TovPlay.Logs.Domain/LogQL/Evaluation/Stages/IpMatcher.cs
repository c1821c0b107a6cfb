using System.Net;
using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>The <c>ip("...")</c> patterns: one address, a range a-b, or a CIDR network.</summary>
internal static partial class IpMatcher
{
    public static Func<IPAddress, bool> Compile(string pattern)
    {
        pattern = pattern.Trim();
        if (pattern.Contains('/', StringComparison.Ordinal))
        {
            var network = IPNetwork.Parse(pattern);
            return network.Contains;
        }

        var dash = pattern.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            var from = Key(IPAddress.Parse(pattern[..dash].Trim()));
            var to = Key(IPAddress.Parse(pattern[(dash + 1)..].Trim()));
            return address => Key(address) is var key && key.Family == from.Family && key.Value >= from.Value && key.Value <= to.Value;
        }

        var single = IPAddress.Parse(pattern);
        return single.Equals;
    }

    public static Func<string, bool> LineContains(string pattern)
    {
        var matches = Compile(pattern);
        return line =>
        {
            foreach (Match candidate in Candidates().Matches(line))
            {
                if (TryParseStrict(candidate.Value, out var address) && matches(address))
                {
                    return true;
                }
            }

            return false;
        };
    }

    /// <summary>Only full forms: a dotted quad or an IPv6 address, never the legacy "10.2" shorthand.</summary>
    public static bool TryParseStrict(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var full = text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3;
        if (full && IPAddress.TryParse(text, out var parsed))
        {
            address = parsed;
            return true;
        }

        return false;
    }

    private static (System.Net.Sockets.AddressFamily Family, UInt128 Value) Key(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return (address.AddressFamily, value);
    }

    [GeneratedRegex(@"[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]+")]
    private static partial Regex Candidates();
}
