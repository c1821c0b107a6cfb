namespace TovPlay.Logs.Domain.LogQL;

/// <summary>
/// A query Loki would refuse, with the message in Loki's form:
/// <c>parse error at line 1, col 23: syntax error: unexpected $end, expecting } or ,</c>.
/// </summary>
public sealed class LogQLSyntaxException : Exception
{
    public LogQLSyntaxException(int line, int column, string detail, string? hint = null)
        : base(Prefix(line, column) + detail + (hint is null ? "" : $" (hint: {hint})"))
    {
        Line = line;
        Column = column;
        Detail = detail;
        Hint = hint;
        LokiMessage = Prefix(line, column) + detail;
    }

    private static string Prefix(int line, int column) => line == 0 ? "parse error : " : $"parse error at line {line}, col {column}: ";

    /// <summary>Advice for a person, shown after the message; Loki has none, so API answers leave it out.</summary>
    public string? Hint { get; }

    /// <summary>The message without the hint: the text Loki itself answers with.</summary>
    public string LokiMessage { get; }

    /// <summary>1-based; 0 when the error has no position (an empty query).</summary>
    public int Line { get; }

    /// <summary>1-based, in characters.</summary>
    public int Column { get; }

    /// <summary>The message without the position prefix and the hint.</summary>
    public string Detail { get; }
}
