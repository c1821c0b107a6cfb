using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>What the application's own database connections look like (section <c>Investigations</c>), to tell its changes from changes made around it.</summary>
public sealed class InvestigationOptions
{
    public const string Section = "Investigations";

    /// <summary>Addresses the application servers connect to the database from.</summary>
    public List<string> AppServerAddresses { get; set; } = [];

    /// <summary>The <c>application_name</c> the backend sets on its connections.</summary>
    public List<string> ApplicationNames { get; set; } = ["tovplay-backend"];

    /// <summary>The database roles the application uses.</summary>
    public List<string> DatabaseRoles { get; set; } = ["tovplay_app"];

    /// <summary>How far back WHO looks for an actor's usual addresses and last appearance (days).</summary>
    public int LookbackDays { get; set; } = 30;

    /// <summary>Words of column names that hold credentials (a password hash, an email, a 2FA secret, tokens); "api_key" matches the words in order.</summary>
    public List<string> CredentialColumns { get; set; } = [.. Domain.Investigations.CredentialColumns.DefaultPatterns];

    /// <summary>Words of column names whose values are secrets: the answer says they changed and never shows them.</summary>
    public List<string> SecretColumns { get; set; } = [.. Domain.Investigations.CredentialColumns.DefaultSecrets];

    public CredentialColumns Credentials => new(CredentialColumns, SecretColumns);

    public ApplicationProfile Profile => new(AppServerAddresses, ApplicationNames, DatabaseRoles);
}
