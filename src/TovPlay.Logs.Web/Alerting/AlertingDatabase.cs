using Npgsql;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>The app database for the alerting loops, which write often and in batches: plain Npgsql, one pool.</summary>
public sealed class AlertingDatabase(IConfiguration configuration) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _source = new(() => NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(ConnectionStrings.GetAppDb(configuration)) { ApplicationName = "tovplay-logs alerting" }.ConnectionString));

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _source.Value.OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_source.IsValueCreated)
        {
            await _source.Value.DisposeAsync();
        }
    }
}
