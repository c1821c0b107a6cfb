using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Building;

/// <summary>Small constructors for label-filter trees (<c>a or b</c>, <c>a and b</c>).</summary>
public static class LabelFilters
{
    public static LabelFilter Equal(string label, string value) => new StringLabelFilter(LabelName.Require(label, nameof(label)), MatchOperator.Equal, value);

    public static LabelFilter Number(string label, CompareOperator op, double value) => new NumberLabelFilter(LabelName.Require(label, nameof(label)), op, value);

    public static LabelFilter Or(LabelFilter first, params IEnumerable<LabelFilter> rest) => rest.Aggregate(first, (a, b) => new OrLabelFilter(a, b));

    public static LabelFilter And(LabelFilter first, params IEnumerable<LabelFilter> rest) => rest.Aggregate(first, (a, b) => new AndLabelFilter(a, b));
}
