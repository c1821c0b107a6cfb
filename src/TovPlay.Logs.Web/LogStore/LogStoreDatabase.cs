using Npgsql;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>The connection pool of the store: its own connection string when set, the app database otherwise.</summary>
public sealed class LogStoreDatabase : IAsyncDisposable
{
    public LogStoreDatabase(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(LogStoreOptions.ConnectionStringName) is { Length: > 0 } own
            ? own
            : ConnectionStrings.GetAppDb(configuration);
        DataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = "logstore" }.Build();
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => DataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
