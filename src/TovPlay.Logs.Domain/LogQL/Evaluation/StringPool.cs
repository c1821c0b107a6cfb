namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Shares the strings that repeat line after line (field names, levels, methods, status codes) so parsing a line
/// does not allocate them again. Bounded in size and in string length, so high-cardinality values (ids) pass through.
/// One per pipeline stage; not thread-safe.
/// </summary>
internal sealed class StringPool(int maxEntries, int maxLength)
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public string Get(ReadOnlySpan<char> text)
    {
        if (text.Length > maxLength)
        {
            return text.ToString();
        }

        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var shared))
        {
            return shared;
        }

        shared = text.ToString();
        if (_strings.Count < maxEntries)
        {
            _strings[shared] = shared;
        }

        return shared;
    }
}
