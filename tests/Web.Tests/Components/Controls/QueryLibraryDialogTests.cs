using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;
using TovPlay.Logs.Web.Components.Dialogs;

namespace TovPlay.Logs.Web.Tests.Components.Controls;

/// <summary>The query library dialog: browse by category, fill a query's parameters, get its LogQL back.</summary>
public sealed class QueryLibraryDialogTests : BunitContext
{
    public QueryLibraryDialogTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, Task<string?> Result)> OpenAsync()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetService(typeof(IDialogService)) as IDialogService;
        Task<string?> result = null!;
        // Not awaited here: the result comes when the dialog closes.
        await provider.InvokeAsync(() => { result = QueryLibraryDialog.ChooseAsync(dialogs!); });
        return (provider, result);
    }

    [Fact]
    public async Task Categories_ListEveryLibraryQuery_AndTheFilterNarrowsThem()
    {
        var (provider, _) = await OpenAsync();

        Assert.Equal(Domain.Queries.ForensicQueryLibrary.All.Count, provider.FindAll(".mud-list-item").Count);
        provider.Find("input").Input("psql");

        var matching = Domain.Queries.ForensicQueryLibrary.All.Where(q => $"{q.Title} {q.Description}".Contains("psql", StringComparison.OrdinalIgnoreCase)).Select(q => q.Title).ToList();
        Assert.InRange(matching.Count, 1, Domain.Queries.ForensicQueryLibrary.All.Count - 1);
        provider.WaitForAssertion(() => Assert.Equal(matching.Order(), provider.FindAll(".mud-list-item").Select(i => i.TextContent.Trim()).Order()));
    }

    [Fact]
    public async Task Run_MissingOrBadParameter_IsRefusedNamingIt_ThenGivesTheBuiltQuery()
    {
        var (provider, result) = await OpenAsync();
        provider.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "Everything from one IP address").Click();

        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Run query").Click();
        provider.WaitForAssertion(() => Assert.Contains("IP address is required.", provider.Markup));
        provider.Find("#param-ip").Change("10.0.0.999");
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Run query").Click();
        provider.WaitForAssertion(() => Assert.Contains("'10.0.0.999' is not an IP address.", provider.Markup));
        Assert.False(result.IsCompleted);

        provider.Find("#param-ip").Change("203.0.113.7");
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Run query").Click();

        Assert.Equal("{job=\"tovplay-backend\"} |= \"203.0.113.7\" | json | ip=\"203.0.113.7\"", await result.WaitAsync(TimeSpan.FromSeconds(5), Xunit.TestContext.Current.CancellationToken));
    }
}
