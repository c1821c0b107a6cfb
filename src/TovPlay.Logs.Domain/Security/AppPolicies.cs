namespace TovPlay.Logs.Domain.Security;

/// <summary>Authorization policy names used by pages, hubs and endpoints.</summary>
public static class AppPolicies
{
    public const string Viewer = "RequireViewer";
    public const string Investigator = "RequireInvestigator";
    public const string Admin = "RequireAdmin";
}
