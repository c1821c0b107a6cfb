using System.Globalization;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>
/// The transactions TovPlay's services run, with the database context of DESIGN.md §3: the backend sets who asked and
/// which request it serves (<c>SET LOCAL tovplay.*</c>); the worker names its job run the same way.
/// </summary>
public static class SandboxSql
{
    public const string BackendName = "tovplay-backend";
    public const string WorkerName = "tovplay-worker";

    public static string AsBackend(SandboxPlayer player, string ip, string correlation, string path, string change) => $"""
        BEGIN;
        SET LOCAL application_name = {SqlText.Literal(BackendName)};
        SET LOCAL tovplay.username = {SqlText.Literal(player.Username)};
        SET LOCAL tovplay.user_id = {SqlText.Literal(player.Id.ToString(CultureInfo.InvariantCulture))};
        SET LOCAL tovplay.client_ip = {SqlText.Literal(ip)};
        SET LOCAL tovplay.correlation_id = {SqlText.Literal(correlation)};
        SET LOCAL tovplay.request_path = {SqlText.Literal(path)};
        {change}
        COMMIT;
        """;

    /// <summary>A job of the worker: no user, its run as the correlation id, the job's name as the path.</summary>
    public static string AsWorker(string job, string correlation, string change) => $"""
        BEGIN;
        SET LOCAL application_name = {SqlText.Literal(WorkerName)};
        SET LOCAL tovplay.correlation_id = {SqlText.Literal(correlation)};
        SET LOCAL tovplay.request_path = {SqlText.Literal("job:" + job)};
        {change}
        COMMIT;
        """;
}
