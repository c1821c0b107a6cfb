namespace TovPlay.Logs.Domain.Security;

/// <summary>
/// The three roles of the app. They are cumulative: an Admin can do what an Investigator can,
/// and an Investigator what a Viewer can, so policies name the least role that suffices.
/// </summary>
public static class AppRoles
{
    public const string Viewer = "Viewer";
    public const string Investigator = "Investigator";
    public const string Admin = "Admin";

    public static IReadOnlyList<string> All { get; } = [Viewer, Investigator, Admin];

    /// <summary>The roles that satisfy a requirement for <paramref name="least"/>.</summary>
    public static IReadOnlyList<string> AtLeast(string least) => least switch
    {
        Viewer => All,
        Investigator => [Investigator, Admin],
        Admin => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(least), least, "Unknown role."),
    };

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>Accepts any casing from a CLI or a form and returns the canonical name, or null.</summary>
    public static string? Normalize(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}
