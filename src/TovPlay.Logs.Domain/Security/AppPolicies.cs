namespace TovPlay.Logs.Domain.Security;

/// <summary>Authorization policy names used by pages, hubs and endpoints.</summary>
public static class AppPolicies
{
    public const string Viewer = "RequireViewer";
    public const string Investigator = "RequireInvestigator";
    public const string Admin = "RequireAdmin";

    /// <summary>An API key allowed to push logs.</summary>
    public const string LogPush = "RequireLogPushKey";

    /// <summary>An API key allowed to read logs, or a signed-in user with any role.</summary>
    public const string LogRead = "RequireLogReader";
}
