using TovPlay.Logs.Domain.LogQL;

namespace TovPlay.Logs.Domain.Tests.LogQL;

/// <summary>
/// Whatever an operator types, the parser answers with a tree or a LogQLSyntaxException, never another exception;
/// and whatever it accepts prints back to the same tree. Inputs are mutations of the case files' queries.
/// </summary>
public sealed class ParserRobustnessTests
{
    private static readonly string[] s_fragments =
    [
        "{", "}", "(", ")", "[", "]", ",", "|", "|=", "|~", "!=", "!~", "=", "==", "=~", ">", ">=", "<", "<=", "+", "-", "*", "/", "%", "^",
        "\"", "`", "\\", " ", "\n", "#", "json", "logfmt", "unwrap", "by", "or", "and", "bool", "on", "group_left", "offset",
        "sum", "rate", "count_over_time", "quantile_over_time", "topk", "vector", "ip", "5m", "1.5s", "10KB", "0.5", "-1", "x", "job",
        "\"a\"", "`b`", "{{.a}}", "--strict", "µ", "é", "\u0000",
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Parse_MutatedQueries_OnlyEverThrowsSyntaxErrors(int seed)
    {
        var random = new Random(seed);
        var bases = CaseFile.Files().SelectMany(CaseFile.Load).Select(c => c.Input).ToArray();
        var accepted = 0;
        for (var n = 0; n < 2_000; n++)
        {
            var query = Mutate(bases[random.Next(bases.Length)], random);
            try
            {
                var parsed = LogQLQuery.Parse(query);
                accepted++;
                var printed = LogQLQuery.Print(parsed);
                Assert.True(parsed.Equals(LogQLQuery.Parse(printed)), $"round trip failed for: {query}\nprinted: {printed}");
            }
            catch (LogQLSyntaxException ex)
            {
                Assert.StartsWith("parse error ", ex.Message, StringComparison.Ordinal);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{ex.GetType().Name} for input: {query}\n{ex}");
            }
        }

        Assert.True(accepted > 0, "no mutation was accepted; the mutations are too destructive to test round trips");
    }

    private static string Mutate(string query, Random random)
    {
        var text = query;
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length + 1);
            switch (random.Next(4))
            {
                case 0 when text.Length > 0:
                    text = text.Remove(Math.Min(at, text.Length - 1), 1);
                    break;
                case 1:
                    text = text.Insert(at, s_fragments[random.Next(s_fragments.Length)]);
                    break;
                case 2 when text.Length > 1:
                    var length = random.Next(1, Math.Min(8, text.Length - Math.Min(at, text.Length - 1)) + 1);
                    text = text.Remove(Math.Min(at, text.Length - 1), Math.Min(length, text.Length - Math.Min(at, text.Length - 1)));
                    break;
                default:
                    text = text.Insert(at, ((char)random.Next(32, 127)).ToString());
                    break;
            }
        }

        return text;
    }
}
