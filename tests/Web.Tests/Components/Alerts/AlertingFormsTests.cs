using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Components.Pages.Alerts;
using TovPlay.Logs.Web.Model.Alerting;

namespace TovPlay.Logs.Web.Tests.Components.Alerts;

/// <summary>The alerting forms' parts as a person uses them: rows added and typed, nested policies, the annotation preview.</summary>
public sealed class AlertingFormsTests : BunitContext
{
    public AlertingFormsTests()
    {
        Services.AddMudServices();
        Services.AddSingleton(TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void LabelRows_AreAddedTypedAndRemoved_AndEachChangeIsReported()
    {
        var rows = new List<NameValueRow>();
        var changes = 0;
        var cut = Render<NameValueRows>(p => p
            .Add(r => r.Rows, rows)
            .Add(r => r.Title, "Labels")
            .Add(r => r.Problem, "team is there twice.")
            .Add(r => r.Changed, EventCallback.Factory.Create(this, () => changes++)));

        cut.Find("button[aria-label='Add labels']").Click();
        cut.WaitForState(() => cut.FindAll("#labels-name-0").Count == 1);
        cut.Find("#labels-name-0").Input("team");
        cut.Find("#labels-value-0").Input("db");

        cut.WaitForAssertion(() => Assert.Equal(("team", "db", 3), (rows[0].Name, rows[0].Value, changes)));
        Assert.Contains("team is there twice.", cut.Markup, StringComparison.Ordinal);

        cut.Find("button[aria-label='Remove labels team']").Click();
        cut.WaitForState(() => rows.Count == 0);
        Assert.Empty(cut.FindAll("#labels-name-0"));
    }

    [Fact]
    public void NestedPolicies_AreAddedAndTyped_AndAProblemShowsAtThePolicyItNames()
    {
        var root = PolicyNodeModel.From(new AlertRoute { Receiver = "on-call" });
        var problems = new[] { new FieldProblem("root › 1", "No contact point is named db-team.") };
        var cut = Render<PolicyNodeEditor>(p => p
            .Add(e => e.Node, root)
            .Add(e => e.ContactPoints, ["on-call", "db-team"])
            .Add(e => e.AllProblems, problems));

        cut.Find("button[aria-label='Add a nested policy to the default policy']").Click();
        cut.WaitForState(() => cut.FindAll("[data-testid='policy-1']").Count == 1);
        cut.Find("#policy-1-matchers").Input("severity=\"critical\"");
        cut.Find("#policy-1-wait").Input("10s");

        // MudBlazor takes typed text asynchronously: the model holds it once the field has handled the input.
        var child = Assert.Single(root.Children);
        cut.WaitForAssertion(() => Assert.Equal(("severity=\"critical\"", "10s"), (child.Matchers, child.GroupWait)));
        var route = root.ToRoute("root", []);
        Assert.Equal("severity=\"critical\"", Assert.Single(route.Routes).Matchers.Single().ToString());
        Assert.Equal(TimeSpan.FromSeconds(10), route.Routes[0].GroupWait);
        Assert.Equal("10s", child.GroupWait);
        Assert.Contains("No contact point is named db-team.", cut.Find("[data-testid='policy-1']").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("No contact point is named db-team.", cut.Find("[data-testid='policy-root']").TextContent.Replace(cut.Find("[data-testid='policy-1']").TextContent, "", StringComparison.Ordinal), StringComparison.Ordinal);

        cut.Find("button[aria-label='Remove policy 1']").Click();
        cut.WaitForState(() => root.Children.Count == 0);
    }

    [Fact]
    public void TheAnnotationPreview_RendersTheTemplates_WithTheRulesLabels_OrARealSeries()
    {
        var rule = new AlertRule
        {
            Name = "SlowRoute",
            Labels = new Dictionary<string, string> { ["severity"] = "warning" },
            Annotations = new Dictionary<string, string> { ["summary"] = "{{ $labels.path }} p95 {{ $value }} ms ({{ $labels.severity }})", ["description"] = "{{ if }}" },
        };

        var sample = Render<AnnotationPreview>(p => p.Add(a => a.Rule, rule));
        var real = Render<AnnotationPreview>(p => p.Add(a => a.Rule, rule)
            .Add(a => a.Sample, new PreviewRow(AlertEvaluation.LabelsOf(rule, LabelSet.From(("path", "/api/games"))), 812.5, true)));

        Assert.Contains("summary:  p95 42 ms (warning)", sample.Find("[data-testid='annotation-preview']").TextContent, StringComparison.Ordinal);
        Assert.Contains("summary: /api/games p95 812.5 ms (warning)", real.Find("[data-testid='annotation-preview']").TextContent, StringComparison.Ordinal);
        Assert.Contains("description: <error expanding template: line 1, column 4: missing value for if>", real.Find("[data-testid='annotation-preview']").TextContent, StringComparison.Ordinal);
    }
}
