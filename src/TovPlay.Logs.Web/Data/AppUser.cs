using Microsoft.AspNetCore.Identity;

namespace TovPlay.Logs.Web.Data;

/// <summary>An operator of the app. Preferences live here so they follow the person, not the browser.</summary>
public sealed class AppUser : IdentityUser
{
    /// <summary>Null means "follow the operating system".</summary>
    public bool? PrefersDarkMode { get; set; }

    /// <summary>True shows every timestamp in UTC; false in the browser's time zone.</summary>
    public bool ShowTimesInUtc { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
