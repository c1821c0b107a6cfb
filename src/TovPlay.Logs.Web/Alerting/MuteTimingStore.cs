using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>A mute timing as listed and edited: its windows in Alertmanager's text forms.</summary>
public sealed record MuteTimingView(Guid Id, string Name, IReadOnlyList<MuteWindowText> Windows, bool ActiveNow, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>Named recurring windows that policies refer to; one in use cannot be deleted.</summary>
public sealed class MuteTimingStore(IDbContextFactory<AppDbContext> db, AlertingSignals signals, AppAuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<MuteTimingView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var records = await context.MuteTimings.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return [.. records.Select(r => new MuteTimingView(r.Id, r.Name, JsonSerializer.Deserialize<List<MuteWindowText>>(r.Windows) ?? [],
            AlertingConfigurationReader.ToMuteTiming(r).IsActive(now), r.UpdatedAt, r.UpdatedBy))];
    }

    public async Task<SaveResult> SaveAsync(Guid? id, string name, IReadOnlyList<MuteWindowText> windows, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = new List<FieldProblem>();
        name = name.Trim();
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            problems.Add(new FieldProblem("Name", "A name of 1 to 100 characters: policies refer to it by name."));
        }

        if (windows.Count == 0)
        {
            problems.Add(new FieldProblem("Windows", "Add at least one window."));
        }

        var parsed = new List<MuteWindow>();
        foreach (var (window, index) in windows.Select((w, i) => (w, i)))
        {
            var (read, windowProblems) = MuteWindow.Parse(window.Times, window.Weekdays, window.DaysOfMonth, window.Months, window.Location);
            problems.AddRange(windowProblems.Select(p => p with { Field = $"Window {index + 1} {p.Field}" }));
            if (read is not null)
            {
                parsed.Add(read);
            }
        }

        if (problems.Count > 0)
        {
            return new SaveResult(null, problems);
        }

        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var record = id is { } existing ? await context.MuteTimings.SingleOrDefaultAsync(m => m.Id == existing, cancellationToken) : null;
        if (record is null)
        {
            record = new MuteTimingRecord { Id = Guid.NewGuid(), Name = name, Windows = "[]", UpdatedBy = "" };
            context.MuteTimings.Add(record);
        }
        else if (record.Name != name && await UsedAsync(context, record.Name, cancellationToken))
        {
            return new SaveResult(null, [new FieldProblem("Name", $"A notification policy uses {record.Name}: it cannot be renamed while it does.")]);
        }

        record.Name = name;
        record.Windows = JsonSerializer.Serialize(parsed.Select(MuteWindowText.From));
        record.UpdatedAt = time.GetUtcNow();
        record.UpdatedBy = user.Identity?.Name ?? "";
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return new SaveResult(null, [new FieldProblem("Name", $"A mute timing named {name} exists already.")]);
        }

        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.MuteTimingSaved, name, details: record.Windows), cancellationToken);
        signals.AlertsChanged.Raise();
        return new SaveResult(record.Id, []);
    }

    public async Task<string?> DeleteAsync(Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var record = await context.MuteTimings.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (record is null)
        {
            return "It was deleted already.";
        }

        if (await UsedAsync(context, record.Name, cancellationToken))
        {
            return $"A notification policy uses {record.Name}: take it off the policy first.";
        }

        context.MuteTimings.Remove(record);
        await context.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.MuteTimingDeleted, record.Name), cancellationToken);
        return null;
    }

    private static async Task<bool> UsedAsync(AppDbContext context, string name, CancellationToken cancellationToken)
    {
        var policy = await context.NotificationPolicies.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (policy is null)
        {
            return false;
        }

        static bool Uses(AlertRoute route, string name) =>
            route.MuteTimings.Contains(name) || route.ActiveTimings.Contains(name) || route.Routes.Any(r => Uses(r, name));
        return Uses(PolicyTreeJson.Read(policy.Tree), name);
    }
}
