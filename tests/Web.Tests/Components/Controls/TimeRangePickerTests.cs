using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using TovPlay.Logs.Domain.Logs.Search;
using TovPlay.Logs.Web.Components.Controls;

namespace TovPlay.Logs.Web.Tests.Components.Controls;

/// <summary>The Search page's time-range picker: presets, typed ends, and errors that name the end.</summary>
public sealed class TimeRangePickerTests : BunitContext
{
    private readonly List<TimeRange> _chosen = [];

    public TimeRangePickerTests()
    {
        Services.AddMudServices();
        Services.AddSingleton(TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private (IRenderedComponent<MudPopoverProvider> Popovers, IRenderedComponent<TimeRangePicker> Picker) RenderPicker()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var popovers = Render<MudPopoverProvider>();
        var picker = Render<TimeRangePicker>(p => p
            .Add(c => c.Range, TimeRange.LastHour)
            .Add(c => c.RangeChanged, EventCallback.Factory.Create<TimeRange>(this, _chosen.Add)));
        picker.Find("[data-testid=time-range]").Click();
        return (popovers, picker);
    }

    [Fact]
    public void Button_NamesTheCurrentRange()
    {
        var (_, picker) = RenderPicker();

        Assert.Equal("Time range: Last 1 hour", picker.Find("[data-testid=time-range]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Preset_Click_ChoosesIt()
    {
        var (popovers, _) = RenderPicker();

        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "Last 15 minutes").Click();

        Assert.Equal(("now-15m", "now"), (Assert.Single(_chosen).From, _chosen[0].To));
    }

    [Fact]
    public void TypedEnds_Bad_SayWhichEndAndChooseNothing_Good_ChooseThem()
    {
        var (popovers, _) = RenderPicker();

        popovers.Find("#range-from").Change("last tuesday");
        popovers.FindAll("button").Single(b => b.TextContent.Trim() == "Apply range").Click();
        Assert.Contains("From: 'last tuesday' is not a time.", popovers.Find("[role=alert]").TextContent);
        Assert.Empty(_chosen);

        popovers.Find("#range-from").Change("2026-11-27T08:00:00Z");
        popovers.Find("#range-to").Change("2026-11-27T09:30:00Z");
        popovers.FindAll("button").Single(b => b.TextContent.Trim() == "Apply range").Click();

        var range = Assert.Single(_chosen);
        Assert.Equal((new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero)), range.Resolve(DateTimeOffset.UtcNow));
    }
}
