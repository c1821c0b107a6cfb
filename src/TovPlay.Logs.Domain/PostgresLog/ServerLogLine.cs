namespace TovPlay.Logs.Domain.PostgresLog;

/// <summary>An entry of PostgreSQL's log as the log store holds it: the store's time, and the entry read from the text.</summary>
public sealed record ServerLogLine(DateTimeOffset At, ServerLogEntry Entry)
{
    /// <summary>
    /// Reads stored lines (any order) into entries, oldest first. A line that is no entry's head (a continuation of a
    /// multi-line statement, shipped as a line of its own) is joined to the entry before it; one with no entry before
    /// it is left out.
    /// </summary>
    public static IReadOnlyList<ServerLogLine> Read(IEnumerable<(DateTimeOffset At, string Text)> lines)
    {
        var read = new List<ServerLogLine>();
        // PostgreSQL writes an ERROR's DETAIL, HINT, CONTEXT and STATEMENT after it, all at one millisecond; a store gives
        // lines of one time in no set order, so within a time the entry's kind puts them back in the order written.
        foreach (var (at, text) in lines.Select((l, i) => (l, i)).OrderBy(x => x.l.At).ThenBy(x => Rank(x.l.Text)).ThenBy(x => x.i).Select(x => x.l))
        {
            // A multi-line entry shipped whole is one stored line: its head is the first line, its rest the continuation.
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            var first = newline >= 0 ? text[..newline] : text;
            if (ServerLogEntry.TryParse(first) is { } entry)
            {
                read.Add(new ServerLogLine(at, newline >= 0 ? entry with { Text = text } : entry));
            }
            else if (read.Count > 0 && text.StartsWith('\t'))
            {
                read[^1] = read[^1] with { Entry = read[^1].Entry.Continued(text) };
            }
        }

        return read;
    }

    private static int Rank(string text) => ServerLogEntry.TryParse(text.IndexOf('\n', StringComparison.Ordinal) is var n and >= 0 ? text[..n] : text)?.Severity switch
    {
        "DETAIL" => 1,
        "HINT" => 2,
        "CONTEXT" => 3,
        "STATEMENT" => 4,
        // A continuation line shipped apart: most often the rest of a long statement, the last of its time.
        null => 5,
        _ => 0,
    };
}
