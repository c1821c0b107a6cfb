namespace TovPlay.Logs.Web.Data;

/// <summary>Reads the app database's connection strings and says clearly which one is missing.</summary>
public static class ConnectionStrings
{
    /// <summary>Used for every query; may point at PgBouncer.</summary>
    public const string AppDb = "AppDb";

    /// <summary>
    /// Optional direct connection for migrations: DDL and advisory locks need a real session,
    /// which PgBouncer in transaction mode does not give.
    /// </summary>
    public const string AppDbDirect = "AppDbDirect";

    public static string GetAppDb(IConfiguration configuration) =>
        configuration.GetConnectionString(AppDb) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "No connection string for the app database: set ConnectionStrings:AppDb " +
                "(environment variable ConnectionStrings__AppDb).");

    public static string GetAppDbDirect(IConfiguration configuration) =>
        configuration.GetConnectionString(AppDbDirect) is { Length: > 0 } value ? value : GetAppDb(configuration);
}
