using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// Which reverse proxies may tell us the client's address and scheme. The audit trail records that address,
/// so a forwarded header from anyone else is ignored.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, SecurityOptions security) =>
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (!security.TrustLoopback)
            {
                // ASP.NET Core believes loopback by default; without it only the listed proxies are.
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
            }

            foreach (var proxy in security.TrustedProxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    o.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
                else
                {
                    throw new InvalidOperationException($"Security:TrustedProxies holds '{proxy}', which is neither an address nor a CIDR network.");
                }
            }

            // With both lists empty ASP.NET Core would believe every sender: with no proxy trusted, none is read.
            if (o.KnownProxies.Count == 0 && o.KnownIPNetworks.Count == 0)
            {
                o.ForwardedHeaders = ForwardedHeaders.None;
            }
        });
}
