using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>The result of a save: the rule's id, or what is wrong by field.</summary>
public sealed record SaveResult(Guid? Id, IReadOnlyList<FieldProblem> Problems)
{
    public bool Saved => Id is not null;
}
