using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using TovPlay.Logs.Web.Components.Controls;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model.Live;
using TovPlay.Logs.Web.Tail;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Components.Controls;

/// <summary>The Live page's query bar: pickers and LogQL editing the same query.</summary>
public sealed class QueryBarTests : BunitContext
{
    private readonly ScriptedTailSource _source = new();
    private readonly LiveViewModel _model;
    private int _changes;

    public QueryBarTests()
    {
        Services.AddMudServices();
        Services.AddSingleton<ILogSource>(_source);
        Services.AddSingleton(TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
        _source.LabelValues["job"] = ["tovplay-backend", "tovplay-frontend"];
        _source.LabelValues["env"] = ["prod"];
        _model = new LiveViewModel(new TailBroker(_source, Options.Create(new TailOptions()), TimeProvider.System, NullLogger<TailBroker>.Instance));
    }

    private IRenderedComponent<QueryBar> RenderBar()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<QueryBar>(p => p
            .Add(b => b.Editor, _model.Editor)
            .Add(b => b.OnQueryChanged, EventCallback.Factory.Create(this, () => _changes++)));
    }

    [Fact]
    public void LevelChip_Click_AddsTheLevelToTheQuery_AndSaysTheQueryChanged()
    {
        var bar = RenderBar();

        // A chip's click completes asynchronously: a person's second click comes after the first took effect.
        bar.FindAll(".mud-chip").Single(c => c.TextContent.Trim() == "error").Click();
        bar.WaitForState(() => _changes == 1, TimeSpan.FromSeconds(10));
        bar.FindAll(".mud-chip").Single(c => c.TextContent.Trim() == "warn").Click();
        bar.WaitForState(() => _changes == 2, TimeSpan.FromSeconds(10));

        Assert.Equal("{job=~\".+\", level=~\"error|warn\"}", _model.Query);
        Assert.Equal(2, _changes);
        Assert.Equal(_model.Query, bar.Find("#live-query").GetAttribute("value"));
    }

    [Fact]
    public void LogQL_Invalid_ShowsTheErrorWithLineAndColumn_AndChangesNothing()
    {
        var bar = RenderBar();
        var input = bar.Find("#live-query");

        input.Input("{job=\"x\"} |~ ");
        input.KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Contains("parse error at line 1, col ", bar.Markup);
        Assert.Equal(LiveViewModel.DefaultQuery, _model.Query);
        Assert.Equal(0, _changes);
    }

    [Fact]
    public void LogQL_BeyondThePickers_HidesThem_AndSaysToEditAsLogQL()
    {
        var bar = RenderBar();
        var input = bar.Find("#live-query");

        input.Input("{job=~\"api|web\"} | json | status>=500");
        input.KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Contains("edit it as LogQL", bar.Markup);
        Assert.DoesNotContain(bar.FindAll(".mud-chip"), c => c.TextContent.Trim() == "error");
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void AFieldFilterAfterTheSelector_KeepsThePickers_AndAPickedLevelKeepsTheFilter()
    {
        var bar = RenderBar();
        var input = bar.Find("#live-query");
        input.Input("{job=\"api\"} | json | status>=500");
        input.KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        bar.FindAll(".mud-chip").Single(c => c.TextContent.Trim() == "error").Click();

        Assert.DoesNotContain("edit it as LogQL", bar.Markup);
        Assert.Equal("{job=\"api\", level=\"error\"} | json | status>=500", _model.Query);
    }

    [Fact]
    public void LogQL_ThatPickersCanShow_FillsThem()
    {
        var bar = RenderBar();
        var input = bar.Find("#live-query");

        input.Input("{job=\"api\", level=\"error\"} |= \"timeout\"");
        input.KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Contains("job = api", bar.Find("[aria-label='Label job=api']").TextContent);
        Assert.Equal("true", bar.FindAll(".mud-chip").Single(c => c.TextContent.Trim() == "error").GetAttribute("aria-pressed"));
        Assert.Equal("timeout", bar.Find("#live-filter").GetAttribute("value"));
    }
}
