using System.Diagnostics.CodeAnalysis;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;
using TovPlay.Logs.Domain.LogQL.Printing;

namespace TovPlay.Logs.Domain.LogQL;

/// <summary>The public face of LogQL: parse (with Loki-form errors) and print canonically.</summary>
public static class LogQLQuery
{
    /// <exception cref="LogQLSyntaxException">The query is not valid LogQL.</exception>
    /// <param name="limits">How large a query may be; <see cref="ParseLimits.Default"/> when null.</param>
    public static LogQLExpr Parse(string query, ParseLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Parser.Parse(query, limits);
    }

    public static bool TryParse(string query, [NotNullWhen(true)] out LogQLExpr? expr, [NotNullWhen(false)] out LogQLSyntaxException? error) =>
        TryParse(query, null, out expr, out error);

    public static bool TryParse(string query, ParseLimits? limits, [NotNullWhen(true)] out LogQLExpr? expr, [NotNullWhen(false)] out LogQLSyntaxException? error)
    {
        try
        {
            expr = Parse(query, limits);
            error = null;
            return true;
        }
        catch (LogQLSyntaxException ex)
        {
            expr = null;
            error = ex;
            return false;
        }
    }

    public static string Print(LogQLExpr expr) => LogQLPrinter.Print(expr);

    /// <summary>Parses and prints: the canonical form of a query.</summary>
    public static string Format(string query) => Print(Parse(query));
}
