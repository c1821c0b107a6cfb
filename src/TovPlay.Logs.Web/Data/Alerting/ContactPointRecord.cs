namespace TovPlay.Logs.Web.Data;

/// <summary>A Discord webhook to notify; its address is kept encrypted and shown again only as a hint.</summary>
public sealed class ContactPointRecord
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The webhook URL, protected with ASP.NET Core Data Protection.</summary>
    public required string ProtectedUrl { get; set; }

    /// <summary>Enough of the URL to recognise it (host and webhook id), never the token.</summary>
    public required string UrlHint { get; set; }

    public string? Username { get; set; }

    public string? AvatarUrl { get; set; }

    public string[] RoleMentions { get; set; } = [];

    public string[] UserMentions { get; set; } = [];

    public required string TitleTemplate { get; set; }

    public required string MessageTemplate { get; set; }

    public bool SendResolved { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public uint Version { get; set; }
}
