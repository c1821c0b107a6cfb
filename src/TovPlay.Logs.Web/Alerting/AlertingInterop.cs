using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Alerting.Interop;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>What an import did: what it saved, and every problem it met.</summary>
public sealed record ImportReport(IReadOnlyList<string> Saved, IReadOnlyList<string> Problems);

/// <summary>
/// Export and import in the formats other tools read: Prometheus and Loki rule files, an Alertmanager configuration.
/// An import saves through the same checks as the forms; a rule or contact point of the same name is updated.
/// </summary>
public sealed class AlertingInterop(
    IDbContextFactory<AppDbContext> db, AlertRuleStore rules, ContactPointStore contactPoints, NotificationPolicyStore policies, MuteTimingStore muteTimings,
    IDataProtectionProvider protection, AppAuditLog audit)
{
    public async Task<string> ExportRulesAsync(AlertDataSource source, CancellationToken cancellationToken) =>
        RuleFile.Export((await rules.ListAsync(cancellationToken)).Select(r => r.Rule), source);

    /// <param name="includeWebhookUrls">Write the webhook addresses (secrets); otherwise a placeholder to fill in.</param>
    public async Task<string> ExportAlertmanagerAsync(bool includeWebhookUrls, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var points = await context.ContactPoints.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var protector = WebhookProtection.For(protection);
        var tree = await policies.GetAsync(cancellationToken);
        var timings = (await context.MuteTimings.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken)).Select(AlertingConfigurationReader.ToMuteTiming).ToList();
        var yaml = AlertmanagerConfig.Export(new AlertmanagerSetup(tree.Root,
            [.. points.Select(p => new DiscordReceiver(p.Name, includeWebhookUrls ? protector.Unprotect(p.ProtectedUrl) : null, p.TitleTemplate, p.MessageTemplate, p.SendResolved))],
            timings));
        if (includeWebhookUrls)
        {
            await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.AlertingExported, "alertmanager.yml", details: "exported with the webhook addresses"), cancellationToken);
        }

        return yaml;
    }

    public async Task<ImportReport> ImportRulesAsync(string yaml, AlertDataSource source, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var read = RuleFile.Import(yaml, source);
        var problems = read.Problems.ToList();
        var saved = new List<string>();
        var existing = await rules.ListAsync(cancellationToken);
        foreach (var rule in read.Items)
        {
            var same = existing.FirstOrDefault(e => e.Rule.Folder == rule.Folder && e.Rule.Name == rule.Name);
            // A rule file knows nothing of pauses or of the built-in pack: the stored rule keeps both.
            var result = await rules.SaveAsync(same is null ? rule : rule with { Id = same.Rule.Id, Paused = same.Rule.Paused, BuiltIn = same.Rule.BuiltIn },
                same?.Version, user, cancellationToken);
            if (result.Saved)
            {
                saved.Add($"{rule.Folder}/{rule.Name}");
            }
            else
            {
                problems.Add($"{rule.Name}: " + string.Join(" ", result.Problems.Select(p => $"{p.Field}: {p.Message}")));
            }
        }

        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.AlertingImported, $"{source} rule file", problems.Count == 0,
            $"{saved.Count} rule(s) saved, {problems.Count} problem(s)"), cancellationToken);
        return new ImportReport(saved, problems);
    }

    /// <summary>Contact points and mute timings first (the policies name them), then the policy tree, replacing the current one.</summary>
    public async Task<ImportReport> ImportAlertmanagerAsync(string yaml, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var read = AlertmanagerConfig.Import(yaml);
        var problems = read.Problems.ToList();
        var saved = new List<string>();
        if (read.Items.Count == 0)
        {
            return new ImportReport(saved, problems);
        }

        var setup = read.Items[0];
        var points = await contactPoints.ListAsync(cancellationToken);
        foreach (var receiver in setup.Receivers)
        {
            var same = points.FirstOrDefault(p => p.Name == receiver.Name);
            if (receiver.WebhookUrl is null && same is null)
            {
                problems.Add($"contact point {receiver.Name}: the file has no webhook address (a placeholder); add it on the contact points page.");
                continue;
            }

            var form = new ContactPointForm(same?.Id, receiver.Name, receiver.WebhookUrl ?? "", same?.Settings.Username, same?.Settings.AvatarUrl,
                same?.Settings.RoleMentions ?? [], same?.Settings.UserMentions ?? [], receiver.Title ?? DiscordSettings.DefaultTitle,
                receiver.Message ?? DiscordSettings.DefaultMessage, receiver.SendResolved);
            var result = await contactPoints.SaveAsync(form, same?.Version, user, cancellationToken);
            Collect(result, $"contact point {receiver.Name}", saved, problems);
        }

        var timings = await muteTimings.ListAsync(cancellationToken);
        foreach (var timing in setup.MuteTimings)
        {
            var result = await muteTimings.SaveAsync(timings.FirstOrDefault(t => t.Name == timing.Name)?.Id, timing.Name,
                [.. timing.Windows.Select(MuteWindowText.From)], user, cancellationToken);
            Collect(result, $"mute timing {timing.Name}", saved, problems);
        }

        var tree = await policies.GetAsync(cancellationToken);
        Collect(await policies.SaveAsync(setup.Root, tree.Version, user, cancellationToken), "notification policies", saved, problems);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.AlertingImported, "Alertmanager configuration", problems.Count == 0,
            $"{saved.Count} item(s) saved, {problems.Count} problem(s)"), cancellationToken);
        return new ImportReport(saved, problems);
    }

    private static void Collect(SaveResult result, string what, List<string> saved, List<string> problems)
    {
        if (result.Saved)
        {
            saved.Add(what);
        }
        else
        {
            problems.Add($"{what}: " + string.Join(" ", result.Problems.Select(p => $"{p.Field}: {p.Message}")));
        }
    }
}
