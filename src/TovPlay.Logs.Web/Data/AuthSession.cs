namespace TovPlay.Logs.Web.Data;

/// <summary>
/// A signed-in browser session. The cookie holds only <see cref="Key"/>; the ticket itself lives here, so signing out
/// deletes it and a copy of the cookie taken earlier no longer signs anyone in.
/// </summary>
public sealed class AuthSession
{
    /// <summary>256 random bits, base64url: what the cookie carries.</summary>
    public required string Key { get; set; }

    public string? UserId { get; set; }

    /// <summary>The authentication ticket, serialised and protected by the app's data-protection keys.</summary>
    public required byte[] Ticket { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }
}
