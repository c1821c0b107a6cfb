using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Web.Tail;

/// <summary>
/// Live tail for external clients and scripts (the Live page reads the broker in process): <c>Tail(query)</c>
/// streams updates until the caller cancels. Signed-in users and read-scoped API keys may use it.
/// </summary>
[Authorize(Policy = AppPolicies.LogRead)]
public sealed class TailHub(TailBroker broker) : Hub
{
    public const string Path = "/hubs/tail";

    public async IAsyncEnumerable<TailMessage> Tail(string query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var viewer = Join(query);
        await foreach (var update in viewer.ReadAllAsync(cancellationToken))
        {
            yield return TailMessage.From(update);
        }
    }

    private TailViewer Join(string query)
    {
        if (string.IsNullOrWhiteSpace(query) || query.Length > 10_000)
        {
            throw new HubException("query: give a LogQL log query of at most 10,000 characters");
        }

        try
        {
            return broker.Subscribe(query);
        }
        catch (Exception ex) when (ex is LogQLSyntaxException or ArgumentException)
        {
            // HubException's message reaches the client; others are hidden as "an unexpected error".
            throw new HubException(ex.Message);
        }
    }
}
