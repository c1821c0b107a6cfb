using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Tail;

/// <summary>
/// Live tail for external clients and scripts (the Live page reads the broker in process): <c>Tail(query)</c>
/// streams updates until the caller cancels. Signed-in users and read-scoped API keys may use it.
/// </summary>
[Authorize(Policy = AppPolicies.LogRead)]
public sealed class TailHub(TailBroker broker, AccessRevalidator access, CallerTailLimit tails) : Hub
{
    public const string Path = "/hubs/tail";

    /// <summary>
    /// Streams until the caller cancels, or until the caller's access ends (checked every
    /// <see cref="SecurityOptions.RevalidationInterval"/>): then the stream fails with <see cref="AccessWatch.Message"/>.
    /// </summary>
    public async IAsyncEnumerable<TailMessage> Tail(string query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The connection was authorised when it opened, perhaps hours ago; each new stream is authorised as of now.
        if (!await access.StillAllowedAsync(Context.User!, AppPolicies.LogRead, cancellationToken))
        {
            throw new HubException(AccessWatch.Message);
        }

        using var place = tails.TryOpen(Context.User!) ?? throw new HubException(tails.Refusal);
        using var viewer = Join(query);
        using var watch = access.Watch(Context.User!, AppPolicies.LogRead, cancellationToken);
        await using var updates = viewer.ReadAllAsync(watch.Token).GetAsyncEnumerator(watch.Token);
        while (await NextAsync(updates, watch))
        {
            yield return TailMessage.From(updates.Current);
        }

        if (watch.Revoked)
        {
            throw new HubException(AccessWatch.Message);
        }
    }

    /// <summary>The next update; false at the end, or when access ended (the caller's own cancellation still throws).</summary>
    private static async Task<bool> NextAsync(IAsyncEnumerator<TailUpdate> updates, AccessWatch watch)
    {
        try
        {
            return await updates.MoveNextAsync();
        }
        catch (OperationCanceledException) when (watch.Revoked)
        {
            return false;
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
