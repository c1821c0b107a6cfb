using System.Globalization;
using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Sandbox.Incidents;

/// <summary>Incidents that destroy data in the database: through the application, through its worker, and around both.</summary>
public static class DatabaseIncidents
{
    public const string ApiMassDeleteSlug = "api-mass-delete";
    public const string PsqlTruncateSlug = "psql-truncate";
    public const string UpdateWithoutWhereSlug = "update-without-where";
    public const string DropTableSlug = "drop-table";
    public const string RefusedDeleteSlug = "refused-delete";
    public const string AccountDeletedSlug = "account-deleted";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string At(IncidentPlayback p) => Logs.UtcText.Millis(p.At);

    /// <summary>A moderator's bulk delete through the admin API removes every game of five players (and, by cascade, their lobbies).</summary>
    public static SandboxIncident ApiMassDelete(SandboxIds ids, SandboxRoles roles)
    {
        var dana = Roster.Named("dana");
        const string path = "/api/admin/games/bulk-delete";
        var request = ids.Request(dana, dana.Ip, "DELETE", path, "/admin/games", "click:delete-selected-games", "DELETE", "games",
            "DELETE FROM games WHERE owner_id BETWEEN 11 AND 15;", 200, 640 + ids.Next(0, 200), leadMs: 900);
        return new SandboxIncident(ApiMassDeleteSlug, "Games deleted in bulk through the API",
            "A signed-in moderator deletes every game of five players from the admin page; the backend does it in one transaction.",
            [IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, request.Transaction!), request.Lines)],
            new IncidentExpectation(ScenarioKind.Wipe, "games", dana.Username, path, "public.games", ChannelKind.Application),
            p => $"At {At(p)} the application user {dana.Username} (id {dana.Id}), signed in from her usual address {dana.Ip}, selected the games of players 11 to 15 on the admin page and clicked "
                + $"\"Delete selected\" (frontend action click:delete-selected-games). The backend's DELETE {path} (correlation id {request.CorrelationId}) removed {N(p.Rows)} games, and by cascade their "
                + $"lobbies and lobby members, in one transaction of the database role {roles.App} (backend pid {p.Pid}). It went through the application: every sign says so.");
    }

    /// <summary>Someone with the superuser's password truncates the games from psql, on a machine that is not an application server.</summary>
    public static SandboxIncident PsqlTruncate(string superuser) => new(PsqlTruncateSlug, "TRUNCATE from psql, around the application",
        "A person connects with psql as the superuser from an address that is not an application server and truncates the games table (with CASCADE).",
        [IncidentStep.Sql(new IncidentStatement(IncidentConnection.SuperuserPsql, "SET application_name = 'psql';\nTRUNCATE games CASCADE;", "games"), (_, _) => [])],
        new IncidentExpectation(ScenarioKind.Wipe, "games", superuser, null, "public.games", ChannelKind.Direct),
        p => $"At {At(p)} someone connected to the database as the superuser {superuser} with psql (application_name psql) from {p.Address}, which is not an application server, "
            + $"and ran TRUNCATE games CASCADE (backend pid {p.Pid}): {N(p.Rows)} games, and with them every lobby and lobby member, were removed. No request of the application "
            + "was involved: no correlation id, no application user, no backend log line. The audit trigger kept every row, so the restore script puts them back.");

    /// <summary>The worker's monthly job, shipped with a bug, sets every player's balance to zero.</summary>
    public static SandboxIncident UpdateWithoutWhere(SandboxIds ids, SandboxRoles roles)
    {
        var run = "job-" + ids.Hex(6);
        var job = new SandboxJob("grant_monthly_bonus", "UPDATE users SET balance_cents = 0;", run);
        return new SandboxIncident(UpdateWithoutWhereSlug, "Balances overwritten by a job's UPDATE without WHERE",
            "The worker's monthly bonus job, released with a bug, runs one UPDATE without a WHERE clause and sets every player's balance to zero.",
            [IncidentStep.Sql(new IncidentStatement(IncidentConnection.Worker, job.Transaction), (at, rows) => job.Lines(at, 180, rows))],
            new IncidentExpectation(ScenarioKind.Wipe, "users", roles.Worker, "job:grant_monthly_bonus", "public.users", ChannelKind.Application),
            p => $"At {At(p)} the worker's job grant_monthly_bonus (run {run}) ran UPDATE users SET balance_cents = 0 as the service account {roles.Worker}, through the application's "
                + $"worker (application_name tovplay-worker, backend pid {p.Pid}). It was meant to add a bonus to some players; the missing WHERE clause overwrote the balance of all {N(p.Rows)} "
                + "players. Nothing was deleted: the data was overwritten, and the audit trail holds every balance before the update.");
    }

    /// <summary>A developer drops the friendships table from a desktop SQL client, thinking it was a local copy.</summary>
    public static SandboxIncident DropTable(SandboxRoles roles) => new(DropTableSlug, "DROP TABLE from a developer's SQL client",
        "A developer, connected from a desktop SQL client with the owner's rights, drops the friendships table.",
        [
            IncidentStep.Sql(new IncidentStatement(IncidentConnection.DeveloperClient,
                "SET application_name = 'DBeaver 24.2.5 - SQLEditor <tovplay>';\nDROP TABLE friendships;", "friendships"), (_, _) => []),
        ],
        new IncidentExpectation(ScenarioKind.Wipe, "friendships", roles.Developer, null, "public.friendships", ChannelKind.Direct),
        p => $"At {At(p)} the developer role {roles.Developer} (a member of the tables' owner) connected from {p.Address} with DBeaver and ran DROP TABLE friendships (backend pid {p.Pid}), "
            + $"believing the connection was a local copy. The table and its {N(p.Rows)} friendships were gone; the audit trail's DDL capture kept the rows before the drop. "
            + "It did not come through the application. Until the table exists again the traffic's friend requests fail: \"Recreate missing tables\" on this page makes it again, "
            + "empty, and the restore script then puts its rows back.");

    /// <summary>Someone with the support team's read-only role tries to delete inactive players from psql; PostgreSQL refuses.</summary>
    public static SandboxIncident RefusedDelete(SandboxRoles roles) => new(RefusedDeleteSlug, "A DELETE refused for lack of privilege",
        "Someone signs in with the support team's read-only role from psql, on a machine that is not an application server, and tries to delete every player inactive for a month. PostgreSQL refuses it.",
        [
            IncidentStep.Sql(new IncidentStatement(IncidentConnection.SupportPsql, "DELETE FROM users WHERE last_login_at < now() - interval '30 days';", Refused: true), (_, _) => []),
        ],
        new IncidentExpectation(ScenarioKind.Wipe, "users", roles.Support, null, "public.users", ChannelKind.Direct),
        p => $"At {At(p)} someone connected as the support team's read-only role {roles.Support} with psql from {p.Address} (backend pid {p.Pid}) and ran "
            + "DELETE FROM users WHERE last_login_at < now() - interval '30 days'. PostgreSQL refused it"
            + (p.Runs.FirstOrDefault()?.Refusal is { } refusal ? $" ({refusal})" : "") + ": nothing was removed. The audit trail records changes, and there was none; "
            + "PostgreSQL's own log tells who tried what, from where, with which program.");

    /// <summary>A moderator deletes a player's account through the admin API; ON DELETE CASCADE takes everything of theirs with it.</summary>
    public static SandboxIncident AccountDeleted(SandboxIds ids)
    {
        var dana = Roster.Named("dana");
        var kim = Roster.Named("kim");
        var path = $"/api/admin/users/{kim.Id}";
        var request = ids.Request(dana, dana.Ip, "DELETE", path, "/admin/users", "click:delete-account", "DELETE", "users",
            $"DELETE FROM users WHERE id = {kim.Id};", 200, 180 + ids.Next(0, 60), leadMs: 700);
        return new SandboxIncident(AccountDeletedSlug, "A player's account deleted, and everything of theirs by cascade",
            $"A moderator deletes {kim.Username}'s account from the admin page; the foreign keys' ON DELETE CASCADE removes the player's games, lobbies, friendships, sessions and purchases in the same transaction.",
            [IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, request.Transaction!), request.Lines)],
            new IncidentExpectation(ScenarioKind.Wipe, "users", dana.Username, path, "public.users", ChannelKind.Application),
            p => $"At {At(p)} the application user {dana.Username} (id {dana.Id}) clicked \"Delete account\" for {kim.Username} (id {kim.Id}) on the admin page. The backend's DELETE {path} "
                + $"(correlation id {request.CorrelationId}, backend pid {p.Pid}) removed the player's row, and in the same transaction the foreign keys' ON DELETE CASCADE removed their "
                + "games, the lobbies of those games and the ones they hosted, their lobby memberships, friendships, sessions and purchases. It went through the application: "
                + $"one row of users in an hour of busy traffic. Until it is restored, {kim.Username}'s own requests fail.");
    }
}
