using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.DatabaseHealth;

public enum BackendAction
{
    /// <summary>Cancel the statement it runs (<c>pg_cancel_backend</c>); the session stays.</summary>
    Cancel,

    /// <summary>End the session (<c>pg_terminate_backend</c>); its open transaction rolls back.</summary>
    Terminate,
}

/// <summary>What a cancel or terminate did, in words for the page.</summary>
public sealed record BackendActionResult(bool Done, string Message);

/// <summary>
/// Cancels or terminates a backend of the audited database for an Admin, and records it in the app's audit trail,
/// refused or not. The backend is named by pid and by the start time the page showed: a pid reused by a new session
/// since is not signalled. The database's role needs <c>pg_signal_backend</c> (or to be a superuser, for superusers' sessions).
/// </summary>
public sealed class BackendControl(IOptions<AuditOptions> audit, IAuthorizationService authorization, AppAuditLog log)
{
    public async Task<BackendActionResult> ApplyAsync(ClaimsPrincipal actor, BackendAction action, int pid, DateTimeOffset? backendStart, string described, CancellationToken cancellationToken)
    {
        // The page shows the buttons to Admins only; the check is repeated where the signal is sent.
        var result = (await authorization.AuthorizeAsync(actor, AppPolicies.Admin)).Succeeded
            ? await SignalAsync(action, pid, backendStart, described, cancellationToken)
            : new BackendActionResult(false, $"Only Admins may {Verb(action)} a session.");
        await log.WriteAsync(AppAuditEntry.By(actor, action == BackendAction.Cancel ? AppAuditActions.BackendCancelled : AppAuditActions.BackendTerminated,
            described, succeeded: result.Done, details: result.Message), cancellationToken);
        return result;
    }

    private async Task<BackendActionResult> SignalAsync(BackendAction action, int pid, DateTimeOffset? backendStart, string described, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
            await using var command = new NpgsqlCommand($"""
                SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = @pid AND backend_start IS NOT DISTINCT FROM @started) THEN NULL
                            ELSE pg_{Verb(action)}_backend(@pid) END
                """, connection);
            command.Parameters.AddWithValue("pid", pid);
            command.Parameters.AddWithValue("started", backendStart is { } s ? s.UtcDateTime : DBNull.Value);
            return await command.ExecuteScalarAsync(cancellationToken) switch
            {
                true => new BackendActionResult(true, action == BackendAction.Cancel
                    ? $"Asked {described} to cancel its statement."
                    : $"Ended {described}; its open transaction, if any, was rolled back."),
                false => new BackendActionResult(false, $"PostgreSQL did not signal {described}: it may have ended just now."),
                _ => new BackendActionResult(false, $"{described} is gone (or its pid now belongs to another session): nothing was signalled."),
            };
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return new BackendActionResult(false, $"The audited database's role may not {Verb(action)} {described}: {ex.MessageText} (grant it pg_signal_backend).");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new BackendActionResult(false, $"The audited database could not be reached: {ex.Message}");
        }
    }

    private static string Verb(BackendAction action) => action == BackendAction.Cancel ? "cancel" : "terminate";
}
