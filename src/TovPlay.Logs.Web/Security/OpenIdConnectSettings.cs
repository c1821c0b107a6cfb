namespace TovPlay.Logs.Web.Security;

/// <summary>Optional single sign-on. Setting <see cref="Authority"/> and <see cref="ClientId"/> turns it on.</summary>
public sealed class OpenIdConnectSettings
{
    public const string Section = "Authentication:OpenIdConnect";
    public const string Scheme = "oidc";

    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Secret: from the environment (Authentication__OpenIdConnect__ClientSecret), never a file.</summary>
    public string? ClientSecret { get; set; }

    public string DisplayName { get; set; } = "Single sign-on";

    public List<string> Scopes { get; set; } = ["openid", "profile", "email"];

    /// <summary>Claim whose values name app roles (Viewer, Investigator, Admin) for users signing in the first time.</summary>
    public string RoleClaimType { get; set; } = "roles";

    /// <summary>Role given to a first-time user whose token names none. Empty: no access until an admin grants one.</summary>
    public string? DefaultRole { get; set; }

    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}
