using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model.Lines;
using TovPlay.Logs.Web.Search;
using TovPlay.Logs.Web.Tail;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Search;

/// <summary>"Show context" against the embedded store: the lines around one line, in its stream only.</summary>
public sealed class LineContextTests(WebAppFixture fixture)
{
    [Fact]
    public async Task Around_GivesTheNeighboursInTheSameStream_OldestFirst_EvenWhenAParserAddedLabels()
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());
        var run = Guid.NewGuid().ToString("N")[..12];
        var first = LokiPushClient.NowNs - 600_000_000_000L;
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "tovplay-backend", ["run"] = run, ["level"] = "info" },
            [.. Enumerable.Range(0, 20).Select(i => (first + i * 1_000_000_000L, $$"""{"n":{{i}}}"""))]);
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "tovplay-backend", ["run"] = run, ["level"] = "error" },
            (first + 10 * 1_000_000_000L + 1, """{"n":"other stream"}"""));
        // The line as a "| json" query returns it: with the parsed field among its labels.
        var line = new ListedLine(1, new TailLine(LabelSet.From(("job", "tovplay-backend"), ("level", "info"), ("n", "10"), ("run", run)), first + 10 * 1_000_000_000L, """{"n":10}"""));

        var context = await new LineContext(fixture.App.Services.GetRequiredService<ILogSource>()).AroundAsync(line, 3, TestContext.Current.CancellationToken);

        Assert.Equal(["""{"n":7}""", """{"n":8}""", """{"n":9}""", """{"n":10}""", """{"n":11}""", """{"n":12}""", """{"n":13}"""], context.Select(l => l.Source.Line));
    }

    [Fact]
    public void Selector_UsesStreamLabelsOnly_EscapingValues()
    {
        var line = new ListedLine(1, new TailLine(LabelSet.From(("job", "a\"b"), ("user", "ann"), ("__error__", "x")), 1, "x"));

        Assert.Equal("{job=\"a\\\"b\"}", LineContext.Selector(line, ["job", "level"]));
        Assert.Equal("{job=\"a\\\"b\", user=\"ann\"}", LineContext.Selector(line, []));
    }

    [Fact]
    public void Selector_LeavesOutWhatTheParserAdded_EvenANameSomeOtherStreamUsesAsALabel()
    {
        // The json stage added "n" and "level_extracted" ("level" was already a stream label).
        var line = new ListedLine(1, new TailLine(
            LabelSet.From(("job", "api"), ("level", "info"), ("level_extracted", "warn"), ("n", "10")), 1, """{"n":10,"level":"warn"}"""));

        Assert.Equal("{job=\"api\", level=\"info\"}", LineContext.Selector(line, ["job", "level", "n"]));
    }
}
