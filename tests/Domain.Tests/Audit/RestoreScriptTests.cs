using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Tests.Audit;

public sealed class RestoreScriptTests
{
    private static RestoreRows Rows(uint oid, string name, params string[] rows) =>
        new(new AuditedTable(oid, "public", name, TableKind.Ordinary,
            [new TableColumn("id", "bigint", Sequenced: true), new TableColumn("name", "text"), new TableColumn("lower_name", "text", Generated: true)], ["id"]), rows);

    [Fact]
    public void ParentsFirst_FollowsForeignKeys_AndSurvivesACycle()
    {
        var games = Rows(2, "games");
        var users = Rows(1, "users");
        var sessions = Rows(3, "sessions");

        var ordered = RestoreScript.ParentsFirst([sessions, games, users], [(2, 1), (3, 1), (3, 2)]);
        var cycle = RestoreScript.ParentsFirst([games, users], [(2, 1), (1, 2)]);

        Assert.Equal(["users", "games", "sessions"], ordered.Select(r => r.Table.Name));
        Assert.Equal(["games", "users"], cycle.Select(r => r.Table.Name));
    }

    [Fact]
    public void Build_OneTransaction_GeneratedColumnsLeftOut_ChunksOf1000_SequenceMovedOn()
    {
        var rows = Enumerable.Range(1, 1001).Select(i => $$"""{"id": {{i}}, "name": "n{{i}}", "lower_name": "n{{i}}"}""").ToArray();

        var script = RestoreScript.Build([Rows(1, "users", rows)], [], ["restore for a test", "second\nline"]);

        Assert.StartsWith("-- restore for a test\n-- second line\nBEGIN;\n", script);
        Assert.EndsWith("COMMIT;\n", script);
        Assert.Equal(2, script.Split("INSERT INTO \"public\".\"users\" (\"id\", \"name\") OVERRIDING SYSTEM VALUE").Length - 1);
        Assert.Contains("ON CONFLICT DO NOTHING;", script);
        Assert.Contains("pg_get_serial_sequence('\"public\".\"users\"', 'id')", script);
        Assert.DoesNotContain("\"lower_name\")", script);
    }

    [Fact]
    public void Build_RowTextHoldingTheQuoteTag_IsQuotedWithAnotherTag()
    {
        var script = RestoreScript.Build([Rows(1, "users", """{"id": 1, "name": "$audit$ injected"}""")], [], []);

        Assert.Contains("$audit0$[{\"id\": 1, \"name\": \"$audit$ injected\"}]$audit0$::jsonb", script);
    }

    [Theory]
    [InlineData("evil\nDROP TABLE public.users; --")]
    [InlineData("evil\rDROP TABLE public.users; --")]
    [InlineData("evil\u2028DROP TABLE public.users; --")]
    [InlineData("evil\u0085DROP TABLE public.users; --")]
    public void Build_ATableNameWithALineBreak_StaysInItsComment(string name)
    {
        var script = RestoreScript.Build([Rows(1, name, """{"id": 1, "name": "a"}""")], [], [$"restore {name}"]);

        var comments = script.Split('\n').Where(l => l.StartsWith("-- ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["-- restore evil DROP TABLE public.users; --", "-- public.evil DROP TABLE public.users; --: 1 row(s)"], comments);
        Assert.DoesNotContain(comments, c => c.Any(ch => char.IsControl(ch) || ch is '\u2028'));
    }
}
