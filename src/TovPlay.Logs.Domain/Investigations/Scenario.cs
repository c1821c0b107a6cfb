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

/// <summary>
/// A scenario as the home page offers it: its address segment, its name, the question it answers, and what its
/// subject is (the table of a wipe, the username of an account, the path of a slow API...).
/// </summary>
public sealed record Scenario(ScenarioKind Kind, string Slug, string Title, string Question, string SubjectLabel, string SubjectPlaceholder, bool SubjectRequired)
{
    public const int MaxSubjectLength = 200;

    public static readonly IReadOnlyList<Scenario> All =
    [
        new(ScenarioKind.Wipe, "wipe", "Data deleted or wiped", "Rows are gone: what removed them, who, from where, and how do we get them back?",
            "Table", "users (empty: any)", false),
        new(ScenarioKind.SuspiciousAccount, "account", "Suspicious account activity", "An account did things its owner would not: sign-ins, changes, deletions, from where?",
            "Username", "mallory", true),
        new(ScenarioKind.SlowApi, "slow-api", "Slow API", "An endpoint got slow: since when, which one, and what changed then?",
            "Path", "/api/games (empty: any)", false),
        new(ScenarioKind.ErrorSpike, "errors", "Error spike", "Errors jumped: when, which errors, for whom, and what caused them?",
            "Path", "/api/games (empty: any)", false),
        new(ScenarioKind.Free, "free", "Free investigation", "Something is off: look at all activity in a window and follow the evidence.",
            "Text", "any text in the lines (empty: all)", false),
    ];

    public static Scenario Of(ScenarioKind kind) => All.Single(s => s.Kind == kind);

    public static Scenario? FromSlug(string? slug) => All.FirstOrDefault(s => string.Equals(s.Slug, slug, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why the subject cannot be used, or null: required and missing, or too long.</summary>
    public string? CheckSubject(string? subject) =>
        string.IsNullOrWhiteSpace(subject) ? (SubjectRequired ? $"Give the {SubjectLabel.ToLowerInvariant()} to investigate." : null)
        : subject.Trim().Length > MaxSubjectLength ? $"Longer than {MaxSubjectLength} characters."
        : null;
}

/// <summary>What an investigation is asked: a scenario, its subject (or null), and the window WHEN settled on.</summary>
public sealed record ScenarioQuestion(ScenarioKind Scenario, string? Subject, DateTimeOffset Start, DateTimeOffset End);
