using System.Globalization;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.Queries;

/// <summary>Validated arguments, read by type inside a query's builder.</summary>
public sealed class QueryArguments(IReadOnlyDictionary<string, string> values)
{
    public string Text(string name) => values[name].Trim();

    public string? Optional(string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v.Trim() : null;

    public double Number(string name) => double.Parse(values[name], NumberStyles.Float, CultureInfo.InvariantCulture);

    public TimeSpan Duration(string name)
    {
        LogQLDuration.TryParse(values[name].Trim(), out var d);
        return d.ToTimeSpan();
    }
}
