using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Alerting;

/// <summary>
/// A PromQL rule evaluated against a real Prometheus (Debian's) that scrapes this app's metrics endpoint with a read
/// key; and the exports checked by the tools that will read them: promtool for rule files, amtool for the Alertmanager
/// configuration, then imported back unchanged.
/// </summary>
public sealed class PrometheusAndInteropTests
{
    [Fact]
    public async Task APromQLRule_OnARealPrometheusScrapingTheApp_FiresIntoDiscord_AndTheExportsPassPromtoolAndAmtool()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var discord = await FakeDiscord.StartAsync();
        await using var database = await TestDatabase.CreateAsync("alert_prometheus");
        var port = LoopbackServer.FreePort();
        await using var app = AlertingApp.Start(database.ConnectionString, discord, new Dictionary<string, string?> { ["Alerting:PrometheusUrl"] = $"http://127.0.0.1:{port}" });
        var key = await app.App.CreateApiKeyAsync(push: false, read: true);
        await using var prometheus = await PrometheusServer.StartAsync(port, new Uri(app.App.AppUri, "metrics"), key);
        await app.RouteToAsync(discord);

        // The metrics endpoint refuses anonymous scrapes, and serves the read key the app's own numbers.
        using (var anonymous = new HttpClient { BaseAddress = app.App.AppUri })
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("metrics", ct)).StatusCode);
        }

        var ruleId = await app.CreateRuleAsync(new AlertRule
        {
            Name = "AppScraped",
            Source = AlertDataSource.PromQL,
            Query = $"up{{job=\"{PrometheusServer.Job}\"}}",
            Threshold = new AlertThreshold(AlertComparator.EqualTo, 1),
            Interval = TimeSpan.FromSeconds(1),
            Labels = new Dictionary<string, string> { ["severity"] = "info" },
            Annotations = new Dictionary<string, string> { ["summary"] = "{{ $labels.instance }} is scraped" },
        });

        var message = (await discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).StartsWith("[FIRING:1] AppScraped", StringComparison.Ordinal)))).Last();
        Assert.Contains($"{app.App.AppUri.Authority} is scraped", message.Body.GetRawText(), StringComparison.Ordinal);

        // The alerting metrics themselves reached Prometheus, and a range over them charts.
        var series = await app.WithAsync(sp => sp.GetRequiredService<RuleQueryRunner>().RangeAsync(new AlertRule
        {
            Source = AlertDataSource.PromQL, Query = "sum(tovplay_alert_evaluations_total)", Interval = TimeSpan.FromSeconds(1),
        }, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), ct));
        Assert.NotEmpty(Assert.Single(series).Points);

        // A PromQL syntax error is Prometheus' own, with where it is.
        var problems = await app.WithAsync(sp => sp.GetRequiredService<AlertRuleStore>().CheckAsync(
            new AlertRule { Name = "Bad", Source = AlertDataSource.PromQL, Query = "sum(up" }, AlertingApp.Admin, ct));
        Assert.Contains("parse error", Assert.Single(problems, p => p.Field == "Query").Message, StringComparison.Ordinal);

        await app.CreateRuleAsync(BuiltInRules.Find("mass-delete")!.SwitchOn());
        await app.CreateRuleAsync(BuiltInRules.Find("sign-in-new-address")!.SwitchOn());
        var directory = Directory.CreateTempSubdirectory("tovplay-export-").FullName;
        try
        {
            var prometheusRules = await app.WithAsync(sp => sp.GetRequiredService<AlertingInterop>().ExportRulesAsync(AlertDataSource.PromQL, ct));
            var lokiRules = await app.WithAsync(sp => sp.GetRequiredService<AlertingInterop>().ExportRulesAsync(AlertDataSource.LogQL, ct));
            var alertmanager = await app.WithAsync(sp => sp.GetRequiredService<AlertingInterop>().ExportAlertmanagerAsync(false, AlertingApp.Admin, ct));
            await File.WriteAllTextAsync(Path.Combine(directory, "prometheus-rules.yml"), prometheusRules, ct);
            await File.WriteAllTextAsync(Path.Combine(directory, "alertmanager.yml"), alertmanager, ct);

            var (promtool, promtoolOutput) = await RunAsync("/usr/bin/promtool", "check", "rules", Path.Combine(directory, "prometheus-rules.yml"));
            var (amtool, amtoolOutput) = await RunAsync("/usr/bin/amtool", "check-config", Path.Combine(directory, "alertmanager.yml"));

            Assert.True(promtool == 0, promtoolOutput);
            Assert.Contains("SUCCESS: 1 rules found", promtoolOutput, StringComparison.Ordinal);
            Assert.True(amtool == 0, amtoolOutput);
            Assert.Contains("1 receivers", amtoolOutput, StringComparison.Ordinal);

            // Back in, into a second app: the same rules and routing.
            await using var database2 = await TestDatabase.CreateAsync("alert_import");
            await using var other = AlertingApp.Start(database2.ConnectionString, discord, new Dictionary<string, string?> { ["Alerting:PrometheusUrl"] = $"http://127.0.0.1:{port}" });
            var rules = await other.WithAsync(sp => sp.GetRequiredService<AlertingInterop>().ImportRulesAsync(lokiRules, AlertDataSource.LogQL, AlertingApp.Admin, ct));
            var prom = await other.WithAsync(sp => sp.GetRequiredService<AlertingInterop>().ImportRulesAsync(prometheusRules, AlertDataSource.PromQL, AlertingApp.Admin, ct));
            var routing = await other.WithAsync(sp => sp.GetRequiredService<AlertingInterop>().ImportAlertmanagerAsync(
                alertmanager.Replace(Domain.Alerting.Interop.AlertmanagerConfig.PlaceholderUrl, discord.WebhookUrl, StringComparison.Ordinal), AlertingApp.Admin, ct));

            Assert.Empty(rules.Problems.Concat(prom.Problems).Concat(routing.Problems));
            Assert.Equal(["Built-in/MassDelete", "Built-in/SignInFromNewAddress"], rules.Saved.Order());
            Assert.Equal(["TovPlay/AppScraped"], prom.Saved);
            var before = (await app.WithAsync(sp => sp.GetRequiredService<AlertRuleStore>().ListAsync(ct))).Select(r => r.Rule).OrderBy(r => r.Name).ToList();
            var after = (await other.WithAsync(sp => sp.GetRequiredService<AlertRuleStore>().ListAsync(ct))).Select(r => r.Rule).OrderBy(r => r.Name).ToList();
            Assert.Equal(before.Select(r => (r.Name, r.Folder, r.Query, r.Threshold, r.Interval, r.Source)), after.Select(r => (r.Name, r.Folder, r.Query, r.Threshold, r.Interval, r.Source)));
            var tree = await other.WithAsync(sp => sp.GetRequiredService<NotificationPolicyStore>().GetAsync(ct));
            Assert.Equal(("on-call", TimeSpan.Zero, TimeSpan.FromSeconds(1)), (tree.Root.Receiver, tree.Root.GroupWait, tree.Root.GroupInterval));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        Assert.NotEqual(Guid.Empty, ruleId);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string tool, params string[] arguments)
    {
        Assert.True(File.Exists(tool), $"{tool} is missing: test.sh installs Debian's prometheus and prometheus-alertmanager packages.");
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
