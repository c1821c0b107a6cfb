using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>The policy tree with its version, for the form that edits it.</summary>
public sealed record PolicyTree(AlertRoute Root, uint? Version, bool IsDefault);

/// <summary>Where a label set would go: the receiver, its group and timing, whether a silence or mute timing holds it now.</summary>
public sealed record RoutePreview(AlertDestination Destination, bool ContactPointExists, bool Silenced, bool Muted);

/// <summary>The notification policy tree: read, checked (receivers, matchers, timings, mute timings), saved whole.</summary>
public sealed class NotificationPolicyStore(IDbContextFactory<AppDbContext> db, AlertingConfigurationReader reader, AlertingSignals signals, AppAuditLog audit, TimeProvider time)
{
    public const int MaxDepth = 16;
    public const int MaxPolicies = 500;

    public async Task<PolicyTree> GetAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var record = await context.NotificationPolicies.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (record is not null)
        {
            return new PolicyTree(PolicyTreeJson.Read(record.Tree), record.Version, false);
        }

        var first = await context.ContactPoints.AsNoTracking().OrderBy(c => c.Name).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
        return new PolicyTree(AlertingConfigurationReader.DefaultRoot(first), null, true);
    }

    public async Task<IReadOnlyList<FieldProblem>> CheckAsync(AlertRoute root, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var contactPoints = (await context.ContactPoints.AsNoTracking().Select(c => c.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var timings = (await context.MuteTimings.AsNoTracking().Select(m => m.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        return Problems(root, contactPoints, timings);
    }

    /// <summary>Each problem names the policy by its path (root, root › 2, root › 2 › 1) and the field.</summary>
    public static IReadOnlyList<FieldProblem> Problems(AlertRoute root, IReadOnlySet<string> contactPoints, IReadOnlySet<string> muteTimings)
    {
        var problems = new List<FieldProblem>();
        var count = 0;
        if (string.IsNullOrEmpty(root.Receiver))
        {
            problems.Add(new FieldProblem("root", "The default policy needs a contact point: every alert no other policy takes goes there."));
        }

        if (root.Matchers.Count > 0)
        {
            problems.Add(new FieldProblem("root", "The default policy matches every alert; it has no matchers."));
        }

        void Walk(AlertRoute route, string path, int depth)
        {
            if (++count > MaxPolicies || depth > MaxDepth)
            {
                problems.Add(new FieldProblem(path, $"At most {MaxPolicies} policies, {MaxDepth} levels deep."));
                return;
            }

            if (route.Receiver is { Length: > 0 } receiver && !contactPoints.Contains(receiver))
            {
                problems.Add(new FieldProblem(path, $"No contact point is named {receiver}."));
            }

            foreach (var matcher in route.Matchers)
            {
                if (matcher.Problem() is { } problem)
                {
                    problems.Add(new FieldProblem(path, problem));
                }
            }

            foreach (var name in route.MuteTimings.Concat(route.ActiveTimings).Where(n => !muteTimings.Contains(n)))
            {
                problems.Add(new FieldProblem(path, $"No mute timing is named {name}."));
            }

            foreach (var label in route.GroupBy ?? [])
            {
                if (label != "..." && !AlertLabelNames.IsValid(label))
                {
                    problems.Add(new FieldProblem(path, $"\"{label}\" is not a label to group by."));
                }
            }

            if (route.GroupBy is { } groupBy && groupBy.Contains("...") && groupBy.Count > 1)
            {
                problems.Add(new FieldProblem(path, "Grouping by ... (every label) takes no other label."));
            }

            if (route.GroupInterval is { } interval && interval <= TimeSpan.Zero)
            {
                problems.Add(new FieldProblem(path, "The group interval must be longer than zero."));
            }

            if (route.RepeatInterval is { } repeat && repeat <= TimeSpan.Zero)
            {
                problems.Add(new FieldProblem(path, "The repeat interval must be longer than zero."));
            }

            if (route.GroupWait is { } wait && wait < TimeSpan.Zero)
            {
                problems.Add(new FieldProblem(path, "The group wait cannot be negative."));
            }

            for (var i = 0; i < route.Routes.Count; i++)
            {
                Walk(route.Routes[i], $"{path} › {i + 1}", depth + 1);
            }
        }

        Walk(root, "root", 0);
        return problems;
    }

    public async Task<SaveResult> SaveAsync(AlertRoute root, uint? expectedVersion, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = await CheckAsync(root, cancellationToken);
        if (problems.Count > 0)
        {
            return new SaveResult(null, problems);
        }

        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var record = await context.NotificationPolicies.SingleOrDefaultAsync(cancellationToken);
        if (record is null)
        {
            if (expectedVersion is not null)
            {
                return new SaveResult(null, [new FieldProblem("root", "The policies were reset meanwhile; reload them.")]);
            }

            record = new NotificationPolicyRecord { Tree = "", UpdatedBy = "" };
            context.NotificationPolicies.Add(record);
        }
        else if (expectedVersion is null || expectedVersion != record.Version)
        {
            return new SaveResult(null, [new FieldProblem("root", "Someone else saved the policies meanwhile. Reload them to see their change before saving yours.")]);
        }
        else
        {
            context.Entry(record).Property(r => r.Version).OriginalValue = expectedVersion.Value;
        }

        record.Tree = PolicyTreeJson.Write(root);
        record.UpdatedAt = time.GetUtcNow();
        record.UpdatedBy = user.Identity?.Name ?? "";
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return new SaveResult(null, [new FieldProblem("root", "Someone else saved the policies meanwhile. Reload them first.")]);
        }

        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.NotificationPoliciesSaved, "notification policies", details: ShortText.Cut(record.Tree, 1900)), cancellationToken);
        signals.AlertsChanged.Raise();
        return new SaveResult(Guid.Empty, []);
    }

    /// <summary>The routing preview: where an alert with these labels would go now, with what timing.</summary>
    public async Task<IReadOnlyList<RoutePreview>> PreviewAsync(AlertRoute root, LabelSet labels, CancellationToken cancellationToken)
    {
        var config = await reader.ReadAsync(cancellationToken);
        var now = time.GetUtcNow();
        return [.. AlertRouting.Route(root, labels).Select(d => new RoutePreview(d, config.ContactPoints.ContainsKey(d.Receiver), config.Silenced(labels, now), config.Muted(d, now)))];
    }

}
