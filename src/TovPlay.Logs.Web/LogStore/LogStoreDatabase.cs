using Npgsql;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// The connection pools of the store: its own connection string when set, the app database otherwise; and a direct
/// one for what needs a session of its own (LISTEN for other instances' commits), which PgBouncer in transaction
/// pooling does not keep: the app database's direct connection (<c>ConnectionStrings:AppDbDirect</c>), or the store's
/// own string, which is taken to be direct.
/// </summary>
public sealed class LogStoreDatabase : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _direct;

    public LogStoreDatabase(IConfiguration configuration)
    {
        var own = configuration.GetConnectionString(LogStoreOptions.ConnectionStringName) is { Length: > 0 } set ? set : null;
        DataSource = new NpgsqlDataSourceBuilder(own ?? ConnectionStrings.GetAppDb(configuration)) { Name = "logstore" }.Build();
        _direct = new(() => new NpgsqlDataSourceBuilder(own ?? ConnectionStrings.GetAppDbDirect(configuration)) { Name = "logstore-direct" }.Build());
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>A session of its own, outside any pooler.</summary>
    public ValueTask<NpgsqlConnection> OpenDirectAsync(CancellationToken cancellationToken) => _direct.Value.OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_direct.IsValueCreated)
        {
            await _direct.Value.DisposeAsync();
        }
    }
}
