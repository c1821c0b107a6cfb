using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.Queries;

/// <summary>
/// A ready-made investigation query: what it answers, when to use it, its typed parameters, and how it is built
/// (always through the LogQL builder, so arguments are escaped, never pasted).
/// </summary>
public sealed record ForensicQuery(
    string Id,
    string Title,
    QueryCategory Category,
    string Description,
    IReadOnlyList<QueryParameter> Parameters,
    Func<QueryArguments, LogQLExpr> Build)
{
    /// <summary>Validates the arguments (defaults fill the gaps) and builds the query.</summary>
    /// <exception cref="QueryArgumentException">An argument is missing or invalid; the exception names it.</exception>
    public LogQLExpr Render(IReadOnlyDictionary<string, string?> arguments)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in Parameters)
        {
            arguments.TryGetValue(parameter.Name, out var given);
            if (parameter.Validate(given) is { } error)
            {
                throw new QueryArgumentException(parameter.Name, error);
            }

            values[parameter.Name] = string.IsNullOrWhiteSpace(given) ? parameter.Default ?? "" : given;
        }

        var unknown = arguments.Keys.Except(Parameters.Select(p => p.Name), StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
        {
            throw new QueryArgumentException(unknown, $"{Title} has no parameter '{unknown}'.");
        }

        return Build(new QueryArguments(values));
    }

    public string RenderText(IReadOnlyDictionary<string, string?> arguments) => LogQLQuery.Print(Render(arguments));

    public bool IsMetric(IReadOnlyDictionary<string, string?> arguments) => !Render(arguments).IsLogQuery;
}
