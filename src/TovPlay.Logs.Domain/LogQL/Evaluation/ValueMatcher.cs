using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// <c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c> against a label value, for stream selectors, label filters and drop/keep.
/// Regexes match the whole value, as label matchers do in Loki.
/// </summary>
internal static class ValueMatcher
{
    public static Func<string, bool> Compile(MatchOperator op, string value)
    {
        switch (op)
        {
            case MatchOperator.Equal:
                return v => string.Equals(v, value, StringComparison.Ordinal);
            case MatchOperator.NotEqual:
                return v => !string.Equals(v, value, StringComparison.Ordinal);
            default:
                var translated = RegexSyntax.Translate(value);
                var regex = RegexSyntax.BuildWhole(translated);
                return op == MatchOperator.Regex ? regex.IsMatch : v => !regex.IsMatch(v);
        }
    }
}
