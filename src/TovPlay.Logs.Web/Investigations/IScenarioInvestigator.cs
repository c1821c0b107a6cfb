using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>
/// An investigation's answer: the findings and unknowns, what would prevent the next one, and the audited statements
/// that removed data in it (for RECOVER's restore scripts).
/// </summary>
public sealed record ScenarioAnswer(IReadOnlyList<AuditStatement> Statements, InvestigationResult Result, IReadOnlyList<Recommendation> Recommendations);

/// <summary>Answers one scenario's WHAT, WHO, WHY/HOW and PREVENT for the window WHEN settled on.</summary>
public interface IScenarioInvestigator
{
    ScenarioKind Kind { get; }

    Task<ScenarioAnswer> InvestigateAsync(ScenarioQuestion question, CancellationToken cancellationToken);
}
