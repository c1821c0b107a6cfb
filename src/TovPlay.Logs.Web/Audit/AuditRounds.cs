using Npgsql;
using TovPlay.Logs.Web.LogStore;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// The loop the audit's background jobs share: a round every interval; a failure of the audited database or the
/// log store is logged with what failed and retried next round, never swallowed and never fatal to the app.
/// </summary>
public static class AuditRounds
{
    public static async Task RunAsync(Func<CancellationToken, Task> round, TimeSpan interval, string failure, ILogger logger, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await round(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or LogStoreUnavailableException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "{Failure}; retrying in {Interval}", failure, interval);
            }

            await Task.Delay(interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
