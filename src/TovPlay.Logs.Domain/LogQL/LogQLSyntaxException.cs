namespace TovPlay.Logs.Domain.LogQL;

/// <summary>
/// A query Loki would refuse, with the message in Loki's form:
/// <c>parse error at line 1, col 23: syntax error: unexpected $end, expecting } or ,</c>.
/// </summary>
public sealed class LogQLSyntaxException : Exception
{
    public LogQLSyntaxException(int line, int column, string detail)
        : base(line == 0 ? $"parse error : {detail}" : $"parse error at line {line}, col {column}: {detail}")
    {
        Line = line;
        Column = column;
        Detail = detail;
    }

    /// <summary>1-based; 0 when the error has no position (an empty query).</summary>
    public int Line { get; }

    /// <summary>1-based, in characters.</summary>
    public int Column { get; }

    /// <summary>The message without the position prefix.</summary>
    public string Detail { get; }
}
