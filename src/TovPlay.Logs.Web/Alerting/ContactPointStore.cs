using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Alerting.Templates;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>A contact point as the form edits it; <see cref="Url"/> is empty on an edit that keeps the stored address.</summary>
public sealed record ContactPointForm(Guid? Id, string Name, string Url, string? Username, string? AvatarUrl, IReadOnlyList<string> RoleMentions,
    IReadOnlyList<string> UserMentions, string TitleTemplate, string MessageTemplate, bool SendResolved)
{
    public DiscordSettings Settings => new()
    {
        Username = string.IsNullOrWhiteSpace(Username) ? null : Username.Trim(),
        AvatarUrl = string.IsNullOrWhiteSpace(AvatarUrl) ? null : AvatarUrl.Trim(),
        RoleMentions = RoleMentions,
        UserMentions = UserMentions,
        TitleTemplate = TitleTemplate,
        MessageTemplate = MessageTemplate,
    };
}

/// <summary>A stored contact point as the list shows it: never its address, only the hint.</summary>
public sealed record ContactPointView(Guid Id, string Name, string UrlHint, DiscordSettings Settings, bool SendResolved, uint Version, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>
/// Discord contact points: the webhook address is validated against Discord's forms (and the allow-list), encrypted
/// with Data Protection, and never shown again; "Send test" posts a sample to it and reports Discord's answer as is.
/// </summary>
public sealed class ContactPointStore(
    IDbContextFactory<AppDbContext> db, IDataProtectionProvider protection, IHttpClientFactory clients, AlertingSignals signals, AppAuditLog audit,
    IOptions<AlertingOptions> options, TimeProvider time)
{
    public async Task<IReadOnlyList<ContactPointView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var records = await context.ContactPoints.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return [.. records.Select(r => new ContactPointView(r.Id, r.Name, r.UrlHint, AlertingConfigurationReader.ToContactPoint(r).Settings, r.SendResolved, r.Version, r.UpdatedAt, r.UpdatedBy))];
    }

    public IReadOnlyList<FieldProblem> Check(ContactPointForm form)
    {
        var problems = new List<FieldProblem>();
        if (string.IsNullOrWhiteSpace(form.Name) || form.Name.Trim().Length > 100 || form.Name.Any(char.IsControl))
        {
            problems.Add(new FieldProblem("Name", "A name of 1 to 100 characters: policies send to it by name."));
        }

        if ((form.Id is null || form.Url.Length > 0) && DiscordWebhookAddress.Problem(form.Url, options.Value.WebhookHosts) is { } urlProblem)
        {
            problems.Add(new FieldProblem("Url", urlProblem));
        }

        if (form.Username is { Length: > 80 })
        {
            problems.Add(new FieldProblem("Username", "At most 80 characters (Discord's limit)."));
        }

        if (!string.IsNullOrWhiteSpace(form.AvatarUrl) && !(Uri.TryCreate(form.AvatarUrl.Trim(), UriKind.Absolute, out var avatar) && avatar.Scheme == "https"))
        {
            problems.Add(new FieldProblem("AvatarUrl", "An https address of an image."));
        }

        if (form.RoleMentions.FirstOrDefault(m => !DiscordSettings.IsSnowflake(m)) is { } role)
        {
            problems.Add(new FieldProblem("RoleMentions", $"\"{role}\" is not a role id: in Discord, right-click the role → Copy Role ID (developer mode on)."));
        }

        if (form.UserMentions.FirstOrDefault(m => !DiscordSettings.IsSnowflake(m)) is { } userId)
        {
            problems.Add(new FieldProblem("UserMentions", $"\"{userId}\" is not a user id: right-click the user → Copy User ID."));
        }

        if (AlertTemplate.Problem(form.TitleTemplate) is { } title)
        {
            problems.Add(new FieldProblem("TitleTemplate", title));
        }

        if (AlertTemplate.Problem(form.MessageTemplate) is { } message)
        {
            problems.Add(new FieldProblem("MessageTemplate", message));
        }

        return problems;
    }

    /// <summary>What the message would look like, rendered against the sample alert.</summary>
    public DiscordPayload Preview(ContactPointForm form) =>
        DiscordMessage.Build(SampleNotification.For(form.Name, options.Value.ExternalUrl, time.GetUtcNow()), form.Settings, time.GetUtcNow());

    public async Task<SaveResult> SaveAsync(ContactPointForm form, uint? expectedVersion, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = Check(form);
        if (problems.Count > 0)
        {
            return new SaveResult(null, problems);
        }

        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var record = form.Id is { } id ? await context.ContactPoints.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) : null;
        if (form.Id is not null && record is null)
        {
            return new SaveResult(null, [new FieldProblem("Name", "This contact point was deleted meanwhile.")]);
        }

        var oldName = record?.Name;
        if (record is null)
        {
            record = new ContactPointRecord
            {
                Id = Guid.NewGuid(), Name = "", ProtectedUrl = "", UrlHint = "", TitleTemplate = "", MessageTemplate = "", CreatedAt = now,
                CreatedBy = user.Identity?.Name ?? "", UpdatedBy = "",
            };
            context.ContactPoints.Add(record);
        }
        else if (expectedVersion is { } version)
        {
            context.Entry(record).Property(r => r.Version).OriginalValue = version;
        }

        record.Name = form.Name.Trim();
        if (form.Url.Length > 0)
        {
            record.ProtectedUrl = WebhookProtection.For(protection).Protect(form.Url.Trim());
            record.UrlHint = DiscordWebhookAddress.Hint(form.Url);
        }

        var settings = form.Settings;
        record.Username = settings.Username;
        record.AvatarUrl = settings.AvatarUrl;
        record.RoleMentions = [.. settings.RoleMentions];
        record.UserMentions = [.. settings.UserMentions];
        record.TitleTemplate = settings.TitleTemplate;
        record.MessageTemplate = settings.MessageTemplate;
        record.SendResolved = form.SendResolved;
        record.UpdatedAt = now;
        record.UpdatedBy = user.Identity?.Name ?? "";
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new SaveResult(null, [new FieldProblem("Name", "Someone else saved this contact point meanwhile. Reload it first.")]);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return new SaveResult(null, [new FieldProblem("Name", $"A contact point named {form.Name.Trim()} exists already.")]);
        }

        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.ContactPointSaved, record.Name,
            details: (oldName is null ? "created" : oldName != record.Name ? $"renamed from {oldName}" : "updated") + (form.Url.Length > 0 ? "; address set" : "")), cancellationToken);
        signals.AlertsChanged.Raise();
        return new SaveResult(record.Id, []);
    }

    /// <summary>Refused while a policy sends to it: the policies would send into nothing.</summary>
    public async Task<string?> DeleteAsync(Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var record = await context.ContactPoints.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (record is null)
        {
            return "It was deleted already.";
        }

        if (await context.NotificationPolicies.AsNoTracking().SingleOrDefaultAsync(cancellationToken) is { } policy
            && Receivers(PolicyTreeJson.Read(policy.Tree)).Contains(record.Name))
        {
            return $"A notification policy sends to {record.Name}: change the policy first.";
        }

        context.ContactPoints.Remove(record);
        await context.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.ContactPointDeleted, record.Name), cancellationToken);
        return null;
    }

    /// <summary>Posts the sample alert to the form's address (or the stored one) and gives Discord's answer.</summary>
    public async Task<DiscordAnswer> SendTestAsync(ContactPointForm form, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var url = form.Url.Trim();
        if (url.Length == 0 && form.Id is { } id)
        {
            await using var context = await db.CreateDbContextAsync(cancellationToken);
            var stored = await context.ContactPoints.AsNoTracking().Where(c => c.Id == id).Select(c => c.ProtectedUrl).SingleOrDefaultAsync(cancellationToken);
            url = stored is null ? "" : WebhookProtection.For(protection).Unprotect(stored);
        }

        if (DiscordWebhookAddress.Problem(url, options.Value.WebhookHosts) is { } problem)
        {
            return new DiscordAnswer(0, null, problem, null, null);
        }

        var payload = JsonSerializer.Serialize(Preview(form));
        var answer = await DiscordWebhook.PostAsync(clients.CreateClient(DiscordDispatcher.HttpClientName), url, payload, options.Value.DeliveryTimeout, cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.ContactPointTested, form.Name, answer.IsSuccess,
            answer.Error ?? $"Discord answered {answer.Status}"), cancellationToken);
        return answer;
    }

    public static IReadOnlySet<string> Receivers(AlertRoute root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Walk(AlertRoute route)
        {
            if (route.Receiver is { Length: > 0 } receiver)
            {
                names.Add(receiver);
            }

            foreach (var child in route.Routes)
            {
                Walk(child);
            }
        }

        Walk(root);
        return names;
    }
}
