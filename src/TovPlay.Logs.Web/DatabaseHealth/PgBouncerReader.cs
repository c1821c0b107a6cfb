using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.DatabaseHealth;

namespace TovPlay.Logs.Web.DatabaseHealth;

/// <summary>Reads PgBouncer's pools, stats and clients from its admin console, when <c>PgBouncer:AdminConnection</c> is set.</summary>
public sealed class PgBouncerReader(IOptions<PgBouncerOptions> bouncer, IOptions<DatabaseHealthOptions> options)
{
    public bool IsConfigured => bouncer.Value.IsConfigured;

    /// <summary>
    /// Whether <paramref name="ex"/> says PgBouncer could not be read (refused, unreachable, or over the read timeout),
    /// rather than that the caller itself was cancelled.
    /// </summary>
    public static bool CouldNotRead(Exception ex, CancellationToken caller) =>
        ex is PgBouncerConsoleException or IOException or System.Net.Sockets.SocketException || (ex is OperationCanceledException && !caller.IsCancellationRequested);

    /// <summary>Throws <see cref="PgBouncerConsoleException"/>, <see cref="IOException"/> or a socket error when it cannot be read.</summary>
    public async Task<BouncerState> ReadAsync(CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.Value.ReadTimeout);
        await using var console = await PgBouncerConsole.OpenAsync(bouncer.Value.AdminConnection, bound.Token);
        var pools = await console.QueryAsync("SHOW POOLS", bound.Token);
        var stats = await console.QueryAsync("SHOW STATS", bound.Token);
        var clients = await console.QueryAsync("SHOW CLIENTS", bound.Token);
        return BouncerState.Read(pools, stats, clients);
    }
}
