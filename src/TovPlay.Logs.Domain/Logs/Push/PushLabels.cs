using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.Logs.Push;

/// <summary>
/// Reads a stream's labels written as a selector, <c>{job="x", env="prod"}</c>, as the protobuf push carries them
/// (Loki parses them with its LogQL parser too, so quoting and escapes follow LogQL's rules).
/// </summary>
public static class PushLabels
{
    public static bool TryParse(string text, out LabelSet labels, out string error)
    {
        labels = LabelSet.Empty;
        if (!LogQLQuery.TryParse(text, out var expr, out var parseError))
        {
            error = $"error parsing labels '{text}' with error: {parseError.LokiMessage}";
            return false;
        }

        if (expr is not LogQueryExpr { Pipeline.Count: 0 } log || log.Selector.Matchers.Any(m => m.Operator != MatchOperator.Equal))
        {
            error = $"error parsing labels '{text}' with error: only label pairs name=\"value\" are allowed";
            return false;
        }

        labels = LabelSet.From(log.Selector.Matchers.Select(m => (m.Name, m.Value)).ToArray());
        error = "";
        return true;
    }
}
