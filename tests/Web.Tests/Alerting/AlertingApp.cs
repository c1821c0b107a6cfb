using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Alerting;

/// <summary>An app with alerting pointed at a fake Discord, and the Admin actions the alerting forms take, for the delivery tests.</summary>
public sealed class AlertingApp : IAsyncDisposable
{
    public static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "alerting-tests@tovplay.org"), new Claim(ClaimTypes.Role, AppRoles.Admin)], "tests"));

    private AlertingApp(TestApp app) => App = app;

    public TestApp App { get; }

    /// <summary>Settings every alerting test app shares; <paramref name="extra"/> adds or overrides.</summary>
    public static IReadOnlyDictionary<string, string?> Settings(FakeDiscord discord, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alerting:WebhookHosts:0"] = discord.Authority,
            ["Alerting:ExternalUrl"] = "https://app.tovplay.org/logs",
            ["Alerting:LeaderCheckInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static AlertingApp Start(string connectionString, FakeDiscord discord, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var app = new TestApp(connectionString, Settings(discord, extra));
        _ = app.ServerAddress;
        return new AlertingApp(app);
    }

    public async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>A contact point at the fake and a root policy that sends at once (group_wait 0) and re-flushes every second.</summary>
    public async Task RouteToAsync(FakeDiscord discord, string name = "on-call")
    {
        var saved = await WithAsync(sp => sp.GetRequiredService<ContactPointStore>().SaveAsync(
            new ContactPointForm(null, name, discord.WebhookUrl, "TovPlay alerts", null, [], [], DiscordSettings.DefaultTitle, DiscordSettings.DefaultMessage, true),
            null, Admin, TestContext.Current.CancellationToken));
        Assert.True(saved.Saved, string.Join("; ", saved.Problems.Select(p => p.Message)));
        var tree = await WithAsync(sp => sp.GetRequiredService<NotificationPolicyStore>().GetAsync(TestContext.Current.CancellationToken));
        var policy = await WithAsync(sp => sp.GetRequiredService<NotificationPolicyStore>().SaveAsync(new AlertRoute
        {
            Receiver = name,
            GroupBy = [AlertLabelNames.AlertName],
            GroupWait = TimeSpan.Zero,
            GroupInterval = TimeSpan.FromSeconds(1),
            RepeatInterval = TimeSpan.FromHours(4),
        }, tree.Version, Admin, TestContext.Current.CancellationToken));
        Assert.True(policy.Saved, string.Join("; ", policy.Problems.Select(p => p.Message)));
    }

    public async Task<Guid> CreateRuleAsync(AlertRule rule)
    {
        var saved = await WithAsync(sp => sp.GetRequiredService<AlertRuleStore>().SaveAsync(rule, null, Admin, TestContext.Current.CancellationToken));
        Assert.True(saved.Saved, string.Join("; ", saved.Problems.Select(p => $"{p.Field}: {p.Message}")));
        return saved.Id!.Value;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
