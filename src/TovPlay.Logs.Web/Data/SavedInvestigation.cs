namespace TovPlay.Logs.Web.Data;

/// <summary>
/// An investigation kept for later: the question it asked, its status and notes, and the report frozen when it was
/// saved (findings with their evidence snapshots), which is what reopening shows.
/// </summary>
public sealed class SavedInvestigation
{
    public const int MaxNotesLength = 20_000;

    public Guid Id { get; set; }

    public required string Scenario { get; set; }

    public required string Title { get; set; }

    public InvestigationStatus Status { get; set; } = InvestigationStatus.Open;

    public string? Notes { get; set; }

    public string? Table { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset WindowEnd { get; set; }

    /// <summary>The report as JSON (<c>ReportJson</c>): a snapshot, so it stands after retention removes its sources.</summary>
    public required string ReportJson { get; set; }

    public required string CreatedBy { get; set; }

    public string? CreatedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

public enum InvestigationStatus
{
    Open,
    Closed,
}
