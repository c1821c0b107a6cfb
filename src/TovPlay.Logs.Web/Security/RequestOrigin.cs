using System.Net;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Observability;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// Where the current action comes from: the client address and the correlation id. In an HTTP request
/// both come from the request; in a Blazor circuit there is no request per click, so the address is the
/// one the circuit connected from and each audited action gets a correlation id of its own.
/// </summary>
public sealed class RequestOrigin(IHttpContextAccessor accessor)
{
    private IPAddress? _circuitAddress;

    public IPAddress? ClientIp => accessor.HttpContext?.Connection.RemoteIpAddress ?? _circuitAddress;

    public string NewOrCurrentCorrelationId() => accessor.HttpContext?.GetCorrelationId() ?? CorrelationId.New();

    internal void RememberCircuitAddress(IPAddress? address) => _circuitAddress ??= address;
}
