namespace TovPlay.Logs.Web.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>
    /// Apply pending migrations when the app starts. Production turns this off and runs the
    /// <c>migrate</c> verb from its deployment instead, so several replicas never race.
    /// </summary>
    public bool MigrateOnStartup { get; set; } = true;
}
