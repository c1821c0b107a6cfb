using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>A contact point as the notifier needs it: its settings, and its address still protected.</summary>
public sealed record ContactPoint(Guid Id, string Name, DiscordSettings Settings, bool SendResolved, string ProtectedUrl);

/// <summary>Everything that decides where an alert goes and whether it is said: read at each pass of the notifier.</summary>
public sealed record AlertingConfiguration(
    AlertRoute Root, IReadOnlyDictionary<string, ContactPoint> ContactPoints, IReadOnlyList<AlertSilence> Silences, IReadOnlyDictionary<string, MuteTiming> MuteTimings)
{
    public bool Silenced(Domain.Logs.LabelSet labels, DateTimeOffset now) => Silences.Any(s => s.Mutes(labels, now));

    /// <summary>Inside a mute timing of the policy, or outside all of its active timings.</summary>
    public bool Muted(AlertDestination destination, DateTimeOffset now) =>
        destination.MuteTimings.Any(name => MuteTimings.TryGetValue(name, out var timing) && timing.IsActive(now))
        || (destination.ActiveTimings.Count > 0 && !destination.ActiveTimings.Any(name => MuteTimings.TryGetValue(name, out var timing) && timing.IsActive(now)));
}

/// <summary>Reads the alerting configuration from the app database.</summary>
public sealed class AlertingConfigurationReader(IDbContextFactory<AppDbContext> db, TimeProvider time)
{
    public async Task<AlertingConfiguration> ReadAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var contactPoints = await context.ContactPoints.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var policy = await context.NotificationPolicies.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        var silences = await context.Silences.AsNoTracking().Where(s => s.EndsAt > now).ToListAsync(cancellationToken);
        var mutes = await context.MuteTimings.AsNoTracking().ToListAsync(cancellationToken);
        return new AlertingConfiguration(
            policy is null ? DefaultRoot(contactPoints.FirstOrDefault()?.Name) : PolicyTreeJson.Read(policy.Tree),
            contactPoints.ToDictionary(c => c.Name, ToContactPoint, StringComparer.Ordinal),
            [.. silences.Select(ToSilence)],
            mutes.ToDictionary(m => m.Name, ToMuteTiming, StringComparer.Ordinal));
    }

    /// <summary>Before anyone edits the policies: everything to the first contact point, grouped by alert name.</summary>
    public static AlertRoute DefaultRoot(string? receiver) => new() { Receiver = receiver, GroupBy = [AlertLabelNames.AlertName] };

    public static ContactPoint ToContactPoint(ContactPointRecord record) => new(record.Id, record.Name, new DiscordSettings
    {
        Username = record.Username,
        AvatarUrl = record.AvatarUrl,
        RoleMentions = record.RoleMentions,
        UserMentions = record.UserMentions,
        TitleTemplate = record.TitleTemplate,
        MessageTemplate = record.MessageTemplate,
    }, record.SendResolved, record.ProtectedUrl);

    public static AlertSilence ToSilence(SilenceRecord record) =>
        new(record.Id, [.. record.Matchers.Select(AlertMatcher.Parse)], record.StartsAt, record.EndsAt, record.Comment, record.CreatedBy);

    public static MuteTiming ToMuteTiming(MuteTimingRecord record) =>
        new(record.Name, [.. (JsonSerializer.Deserialize<List<MuteWindowText>>(record.Windows) ?? []).Select(w => w.ToWindow())]);
}
