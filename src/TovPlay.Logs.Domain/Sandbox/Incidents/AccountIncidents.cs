using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Sandbox.Incidents;

/// <summary>Incidents about accounts: one taken over, and sign-ins guessed until one works.</summary>
public static class AccountIncidents
{
    public const string TakeoverSlug = "account-takeover";
    public const string BruteForceSlug = "brute-force";
    public const string HijackSlug = "session-hijack";

    private const string TakeoverAddress = "203.0.113.99";
    private const string GuessingAddress = "203.0.113.77";
    private const string HijackAddress = "203.0.113.45";

    /// <summary>A sign-in from a new address, a password change at once, then the owner's games and friends deleted.</summary>
    public static SandboxIncident Takeover(SandboxIds ids)
    {
        var victim = Roster.Named("nico");
        var login = ids.Request(victim, TakeoverAddress, "POST", "/api/auth/login", "/login", "click:sign-in", "LOGIN", "sessions", null, 200, 140);
        var password = ids.Request(victim, TakeoverAddress, "POST", "/api/account/password", "/account", "click:change-password", "PASSWORD_CHANGE", "users",
            $"UPDATE users SET password_hash = '{SandboxSchema.PasswordHash("taken-" + victim.Username)}' WHERE id = {victim.Id};", 200, 95);
        const string path = "/api/games/bulk-delete";
        var games = ids.Request(victim, TakeoverAddress, "DELETE", path, "/games/mine", "click:delete-all-my-games", "DELETE", "games",
            $"DELETE FROM games WHERE owner_id = {victim.Id};", 200, 310);
        var friends = ids.Request(victim, TakeoverAddress, "DELETE", "/api/friends/all", "/friends", "click:remove-all-friends", "DELETE", "friendships",
            $"DELETE FROM friendships WHERE user_id = {victim.Id} OR friend_id = {victim.Id};", 200, 120);
        return new SandboxIncident(TakeoverSlug, "Account taken over: new address, new password, then deletes",
            $"Someone signs in to {victim.Username}'s account from an address never seen for it, changes the password at once and deletes the account's games and friends.",
            [
                UsualSignIn(ids, victim, -50),
                UsualSignIn(ids, victim, -25),
                IncidentStep.Log(TimeSpan.FromSeconds(-50), at => login.Lines(at, null)),
                IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, password.Transaction!), password.Lines),
                IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, games.Transaction!), games.Lines),
                IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, friends.Transaction!), friends.Lines),
            ],
            new IncidentExpectation(ScenarioKind.SuspiciousAccount, victim.Username, TakeoverAddress, path, "public.games", ChannelKind.Application),
            p => $"{victim.Username} signs in from {victim.Ip} (twice in the last hour). About 50 seconds before {Logs.UtcText.Millis(p.At)} someone signed in to the account from "
                + $"{TakeoverAddress}, an address never used for it, with the right password (it had leaked), changed the password at once (PASSWORD_CHANGE), then "
                + Deleted(p.Runs.ElementAtOrDefault(1)?.Rows ?? 0, $"the account's games (DELETE {path})") + " and " + Deleted(p.Runs.ElementAtOrDefault(2)?.Rows ?? 0, "its friendships")
                + $". Every change went through the application as {victim.Username}, from {TakeoverAddress}.");
    }

    /// <summary>
    /// The victim signing in from their own address, minutes before the incident: each account incident brings its
    /// victim's habit with it, so "an address never used for it" holds in any database, not only once the random traffic
    /// happens to have shown that player.
    /// </summary>
    private static IncidentStep UsualSignIn(SandboxIds ids, SandboxPlayer victim, int minutes) =>
        IncidentStep.Log(TimeSpan.FromMinutes(minutes),
            at => ids.Request(victim, victim.Ip, "POST", "/api/auth/login", "/login", "click:sign-in", "LOGIN", "sessions", null, 200, 120).Lines(at, null));

    /// <summary>What a delete did, as the story tells it: it may have found nothing left (an earlier incident took it).</summary>
    private static string Deleted(long rows, string what) => rows > 0
        ? $"deleted {what}: {rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} row(s)"
        : $"tried to delete {what}, but none were left (an earlier incident had removed them), so nothing was deleted";

    /// <summary>One address tries passwords against a dozen accounts for five minutes until one works.</summary>
    public static SandboxIncident BruteForce(SandboxIds ids)
    {
        var victim = Roster.Named("olga");
        var targets = Roster.Players.Where(p => p.Id % 3 == 0 && p != victim).Take(11).Append(victim).ToList();
        var steps = new List<IncidentStep> { UsualSignIn(ids, victim, -50), UsualSignIn(ids, victim, -25) };
        for (var i = 0; i < 60; i++)
        {
            var target = targets[i % targets.Count];
            var attempt = ids.Request(target, GuessingAddress, "POST", "/api/auth/login", "/login", "click:sign-in", "LOGIN_FAILED", "sessions", null, 401, 85 + ids.Next(0, 30), leadMs: 40);
            steps.Add(IncidentStep.Log(TimeSpan.FromMinutes(-6) + TimeSpan.FromSeconds(i * 5), at => attempt.Lines(at, null)));
        }

        var success = ids.Request(victim, GuessingAddress, "POST", "/api/auth/login", "/login", "click:sign-in", "LOGIN", "sessions",
            $"INSERT INTO sessions (token, user_id, ip) VALUES ('{ids.Hex(16)}', {victim.Id}, '{GuessingAddress}'); UPDATE users SET last_login_at = now() WHERE id = {victim.Id};",
            200, 130, leadMs: 40);
        steps.Add(IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, success.Transaction!), success.Lines));
        return new SandboxIncident(BruteForceSlug, "Passwords guessed until one works",
            "One address tries passwords against a dozen accounts for five minutes; one of them finally lets it in.",
            steps,
            new IncidentExpectation(ScenarioKind.SuspiciousAccount, victim.Username, GuessingAddress, "/api/auth/login", null, ChannelKind.Application),
            p => $"{victim.Username} signs in from {victim.Ip} (twice in the last hour). From six minutes before {Logs.UtcText.Millis(p.At)}, {GuessingAddress} sent 60 failed sign-ins (LOGIN_FAILED, 401) to 12 accounts, one every five seconds. "
                + $"Then it signed in to {victim.Username}, whose password it had guessed: the session was created from {GuessingAddress}, an address {victim.Username} never used.");
    }

    /// <summary>
    /// With a stolen session, through the mobile API (whose proxy passes no client address to the log), someone changes
    /// an account's email and password, then deletes its purchases and friendships one request at a time.
    /// </summary>
    public static SandboxIncident Hijack(SandboxIds ids)
    {
        var victim = Roster.Named("pavel");
        SandboxRequest Hidden(SandboxRequest request) => request with { LogsIp = false };
        var credentials = Hidden(ids.Request(victim, HijackAddress, "POST", "/api/account/credentials", "/account", "tap:save-account", "EMAIL_CHANGE", "users",
            $"UPDATE users SET email = 'pavel.recovery@mailbox.example', password_hash = '{SandboxSchema.PasswordHash("hijacked-" + victim.Username)}' WHERE id = {victim.Id};", 200, 90));
        var steps = new List<IncidentStep>
        {
            UsualSignIn(ids, victim, -50),
            UsualSignIn(ids, victim, -25),
            IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, credentials.Transaction!), credentials.Lines),
        };
        for (var i = 0; i < 3; i++)
        {
            var purchase = Hidden(ids.Request(victim, HijackAddress, "DELETE", "/api/purchases/latest", "/purchases", "tap:delete-purchase", "DELETE", "purchases",
                $"DELETE FROM purchases WHERE (id, purchased_at) = (SELECT id, purchased_at FROM purchases WHERE user_id = {victim.Id} ORDER BY purchased_at DESC LIMIT 1);", 200, 60));
            steps.Add(IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, purchase.Transaction!), purchase.Lines));
        }

        var friends = Hidden(ids.Request(victim, HijackAddress, "DELETE", "/api/friends/all", "/friends", "tap:remove-all-friends", "DELETE", "friendships",
            $"DELETE FROM friendships WHERE user_id = {victim.Id} OR friend_id = {victim.Id};", 200, 110));
        steps.Add(IncidentStep.Sql(new IncidentStatement(IncidentConnection.Backend, friends.Transaction!), friends.Lines));
        return new SandboxIncident(HijackSlug, "Account hijacked with a stolen session: credentials changed, history deleted",
            $"With a stolen session, from an address never seen for {victim.Username}, someone changes the account's email and password through the mobile API, then deletes its purchases "
                + "and friendships one request at a time. The API's log lines carry no client address; the audit trail does.",
            steps,
            new IncidentExpectation(ScenarioKind.SuspiciousAccount, victim.Username, HijackAddress, "/api/account/credentials", "public.users", ChannelKind.Application),
            p => $"{victim.Username} signs in from {victim.Ip} (twice in the last hour). At {Logs.UtcText.Millis(p.At)}, with a stolen session and no sign-in, someone at {HijackAddress} "
                + $"changed the account's email to pavel.recovery@mailbox.example and its password (POST /api/account/credentials), then deleted its purchases one request at a time "
                + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({p.Runs.Skip(1).Take(3).Sum(r => r.Rows)} row(s)) and its friendships ({p.Runs.LastOrDefault()?.Rows ?? 0} row(s)). ")
                + $"The mobile API's proxy passes no client address to the log, so its lines carry no ip; every audited change carries {HijackAddress} (tovplay.client_ip).");
    }
}
