using TovPlay.Logs.Domain.LogQL;

namespace TovPlay.Logs.Domain.Tests.LogQL;

/// <summary>Every line of every <c>LogQL/Cases/*.cases</c> file is a test: accepted queries print canonically
/// and round-trip; rejected ones fail with exactly the expected Loki-form message.</summary>
public sealed class ParserCaseTests
{
    public static TheoryData<ParseCase> Cases()
    {
        var data = new TheoryData<ParseCase>();
        foreach (var file in CaseFile.Files())
        {
            foreach (var c in CaseFile.Load(file))
            {
                data.Add(c);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_Case_MatchesExpectation(ParseCase c)
    {
        if (c.ExpectedError is not null)
        {
            var error = Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse(c.Input));
            Assert.True(c.ExpectedError == error.Message, $"expected: {c.ExpectedError}\nactual:   {error.Message}");
            return;
        }

        var parsed = LogQLQuery.Parse(c.Input);
        var printed = LogQLQuery.Print(parsed);
        Assert.True(c.ExpectedPrint == printed, $"expected: {c.ExpectedPrint}\nactual:   {printed}");

        // Round trip: the printed form parses to the same tree and prints identically.
        var reparsed = LogQLQuery.Parse(printed);
        Assert.Equal(parsed, reparsed);
        Assert.Equal(printed, LogQLQuery.Print(reparsed));
    }

    [Fact]
    public void CaseFiles_HoldEnoughCases()
    {
        var all = CaseFile.Files().SelectMany(CaseFile.Load).ToList();

        Assert.True(all.Count >= 400, $"only {all.Count} cases");
        Assert.True(all.Count(c => c.ExpectedError is not null) >= 40, "fewer than 40 error cases");
    }
}
