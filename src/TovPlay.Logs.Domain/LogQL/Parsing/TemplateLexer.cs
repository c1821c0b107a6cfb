namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>Splits a template action into pipeline commands and words, respecting quoted strings.</summary>
internal static class TemplateLexer
{
    /// <summary><c>.a | f "x|y"</c> gives <c>.a </c> and <c> f "x|y"</c>: a | inside quotes does not split.</summary>
    public static IEnumerable<string> SplitPipes(string action)
    {
        var start = 0;
        var quote = '\0';
        for (var i = 0; i < action.Length; i++)
        {
            var c = action[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '`')
            {
                quote = c;
            }
            else if (c == '|')
            {
                yield return action[start..i];
                start = i + 1;
            }
        }

        yield return action[start..];
    }

    /// <summary>The words of one command; a quoted string is one word, quotes included.</summary>
    public static IEnumerable<string> Words(string command)
    {
        var i = 0;
        while (i < command.Length)
        {
            if (char.IsWhiteSpace(command[i]))
            {
                i++;
                continue;
            }

            var start = i;
            if (command[i] is '"' or '`')
            {
                var quote = command[i++];
                while (i < command.Length && command[i] != quote)
                {
                    i += command[i] == '\\' && quote == '"' ? 2 : 1;
                }

                i++;
            }
            else
            {
                while (i < command.Length && !char.IsWhiteSpace(command[i]))
                {
                    i++;
                }
            }

            yield return command[start..Math.Min(i, command.Length)];
        }
    }
}
