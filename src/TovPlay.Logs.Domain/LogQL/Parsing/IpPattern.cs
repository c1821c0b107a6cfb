using System.Net;

namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>The argument of <c>ip()</c>: one address, a range <c>a-b</c>, or a CIDR network.</summary>
internal static class IpPattern
{
    public static bool IsValid(string pattern)
    {
        pattern = pattern.Trim();
        if (pattern.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(pattern, out _);
        }

        var dash = pattern.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            return IPAddress.TryParse(pattern[..dash].Trim(), out var from) && IPAddress.TryParse(pattern[(dash + 1)..].Trim(), out var to)
                && from.AddressFamily == to.AddressFamily;
        }

        return IPAddress.TryParse(pattern, out _);
    }
}
