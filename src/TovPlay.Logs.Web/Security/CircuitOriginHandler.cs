using Microsoft.AspNetCore.Components.Server.Circuits;

namespace TovPlay.Logs.Web.Security;

/// <summary>Records the address a circuit connected from, while the SignalR connection's HttpContext is at hand.</summary>
internal sealed class CircuitOriginHandler(IHttpContextAccessor accessor, RequestOrigin origin) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        origin.RememberCircuitAddress(accessor.HttpContext?.Connection.RemoteIpAddress);
        return Task.CompletedTask;
    }
}
