namespace TovPlay.Logs.Domain.Investigations;

/// <summary>The incidents the wizard walks an operator through; each decides which activity points at its window.</summary>
public enum ScenarioKind
{
    Wipe,
    SuspiciousAccount,
    SlowApi,
    ErrorSpike,
    Free,
}

/// <summary>A scenario as the home page offers it: its address segment, its name, and the question it answers.</summary>
public sealed record Scenario(ScenarioKind Kind, string Slug, string Title, string Question)
{
    public static readonly IReadOnlyList<Scenario> All =
    [
        new(ScenarioKind.Wipe, "wipe", "Data deleted or wiped", "Rows are gone: what removed them, who, from where, and how do we get them back?"),
        new(ScenarioKind.SuspiciousAccount, "account", "Suspicious account activity", "An account did things its owner would not: sign-ins, changes, deletions, from where?"),
        new(ScenarioKind.SlowApi, "slow-api", "Slow API", "An endpoint got slow: since when, which one, and what changed then?"),
        new(ScenarioKind.ErrorSpike, "errors", "Error spike", "Errors jumped: when, which errors, for whom, and what caused them?"),
        new(ScenarioKind.Free, "free", "Free investigation", "Something is off: look at all activity in a window and follow the evidence."),
    ];

    public static Scenario? FromSlug(string? slug) => All.FirstOrDefault(s => string.Equals(s.Slug, slug, StringComparison.OrdinalIgnoreCase));
}
