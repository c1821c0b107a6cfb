namespace TovPlay.Logs.Domain.Queries;

/// <summary>The questions an investigation asks, and the technical areas around them.</summary>
public enum QueryCategory
{
    Who,
    When,
    What,
    Why,
    How,
    Security,
    Performance,
    Errors,
    Frontend,
    DatabaseAudit,
}
