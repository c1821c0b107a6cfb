using System.Net;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Investigations;

public enum ChannelKind
{
    /// <summary>Through the TovPlay application: its context, its servers, its name.</summary>
    Application,

    /// <summary>Around the application: an interactive client or script connected to the database itself.</summary>
    Direct,

    /// <summary>The signs disagree or are missing: said so, not guessed.</summary>
    Unclear,
}

/// <summary>
/// What is known of the connection a statement came over: the database role, the client's address (null: the server's
/// local socket), its program, and the application's context (correlation id, signed-in user) when it set one.
/// </summary>
public sealed record ConnectionFacts(string SessionRole, string? ClientAddr, string? Application, string? CorrelationId, string? AppUser);

/// <summary>How a statement reached the database, with every sign that says so, for and against.</summary>
public sealed record ChannelVerdict(ChannelKind Kind, IReadOnlyList<string> Signs)
{
    public string Sentence => Say("change");

    /// <summary>The verdict about <paramref name="what"/>: "The attempt did not come through the application: ...".</summary>
    public string Say(string what) => Kind switch
    {
        ChannelKind.Application => $"The {what} came through the application: " + string.Join("; ", Signs) + ".",
        ChannelKind.Direct => $"The {what} did not come through the application: " + string.Join("; ", Signs) + ".",
        _ => $"Whether the {what} came through the application is unclear: " + string.Join("; ", Signs) + ".",
    };
}

/// <summary>What the application's own connections look like: where its servers connect from and the names they give.</summary>
public sealed record ApplicationProfile(IReadOnlyCollection<string> ServerAddresses, IReadOnlyCollection<string> ApplicationNames, IReadOnlyCollection<string> DatabaseRoles);

/// <summary>
/// Decides whether a statement came through the application or around it, from the connection's own record: the
/// application's context (a correlation id, an app user), the client program's name, the client address and the
/// database role. Interactive tools (psql, DBeaver, pgAdmin...) and addresses outside the app servers point around it.
/// </summary>
public static class Channel
{
    public static readonly IReadOnlyList<string> InteractiveTools = ["psql", "dbeaver", "pgadmin", "datagrip", "navicat", "tableplus", "pgcli", "postico", "heidisql", "pg_dump", "pg_restore"];

    public static ChannelVerdict Of(AuditStatement statement, ApplicationProfile profile) =>
        Of(new ConnectionFacts(statement.SessionRole, statement.ClientAddr, statement.Application, statement.CorrelationId, statement.AppUsername ?? statement.AppUserId), profile);

    public static ChannelVerdict Of(ConnectionFacts statement, ApplicationProfile profile)
    {
        var forApp = new List<string>();
        var against = new List<string>();

        if (statement.CorrelationId is { } correlation)
        {
            forApp.Add($"it carries the application's correlation id {correlation}");
        }
        else
        {
            against.Add("it carries no correlation id (the application sets one on every request)");
        }

        if (statement.AppUser is { } user)
        {
            forApp.Add($"the application set its user context ({user})");
        }

        var application = statement.Application;
        if (application is null)
        {
            against.Add("the client gave no application name");
        }
        else if (InteractiveTools.FirstOrDefault(t => application.Contains(t, StringComparison.OrdinalIgnoreCase)) is { } tool)
        {
            against.Add($"the client program was {application} (an interactive tool: {tool})");
        }
        else if (profile.ApplicationNames.Contains(application, StringComparer.OrdinalIgnoreCase))
        {
            forApp.Add($"the client program was {application}, the application's own name");
        }
        else
        {
            against.Add($"the client program was {application}, which is not the application's name");
        }

        if (statement.ClientAddr is not { } address)
        {
            against.Add("it connected over a local socket on the database server itself");
        }
        else if (profile.ServerAddresses.Any(a => SameAddress(a, address)))
        {
            forApp.Add($"it connected from {address}, an application server");
        }
        else if (profile.ServerAddresses.Count > 0)
        {
            // With no application servers configured an address says nothing either way.
            against.Add($"it connected from {address}, which is not one of the application servers ({string.Join(", ", profile.ServerAddresses)})");
        }

        if (profile.DatabaseRoles.Contains(statement.SessionRole, StringComparer.Ordinal))
        {
            forApp.Add($"it used the application's database role {statement.SessionRole}");
        }
        else
        {
            against.Add($"it used the database role {statement.SessionRole}, not the application's ({string.Join(", ", profile.DatabaseRoles)})");
        }

        // The application's context cannot be forged by accident: with it and nothing strongly against, it is the app.
        // An interactive tool or a foreign address with no context is around it. Anything else is said to be unclear.
        var strongAgainst = against.Any(a => a.Contains("interactive tool", StringComparison.Ordinal) || a.Contains("not one of the application servers", StringComparison.Ordinal)
            || a.Contains("local socket", StringComparison.Ordinal));
        var kind = statement.CorrelationId is not null && !strongAgainst ? ChannelKind.Application
            : statement.CorrelationId is null && strongAgainst ? ChannelKind.Direct
            : forApp.Count > 0 && against.Count == 0 ? ChannelKind.Application
            : ChannelKind.Unclear;
        return new ChannelVerdict(kind, kind switch
        {
            ChannelKind.Application => [.. forApp, .. against.Select(a => "although " + a)],
            ChannelKind.Direct => [.. against, .. forApp.Select(a => "although " + a)],
            _ => [.. forApp, .. against],
        });
    }

    private static bool SameAddress(string configured, string seen) =>
        IPAddress.TryParse(configured, out var a) && IPAddress.TryParse(seen, out var b) ? a.Equals(b) : string.Equals(configured, seen, StringComparison.OrdinalIgnoreCase);
}
