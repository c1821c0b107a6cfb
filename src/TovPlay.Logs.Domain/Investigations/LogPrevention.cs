using System.Globalization;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// PREVENT for the log-based scenarios: the alert rule that would have caught this one (built with the LogQL
/// builder, so every value is escaped), and the concrete next change the evidence points at.
/// </summary>
public static class LogPrevention
{
    private static readonly TimeSpan s_alertRange = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<Recommendation> ForErrors(string mainError, int count, TimeSpan window, string? path, RequestLine first)
    {
        var lines = ActivityQueries.ErrorLines.Json();
        if (path is not null)
        {
            lines = lines.Label("path", path);
        }

        // Half the rate seen, over five minutes: this spike would have fired it, ordinary noise should not.
        var threshold = Math.Max(5, Math.Round(count / Math.Max(1, window.TotalMinutes) * s_alertRange.TotalMinutes / 2));
        var list = new List<Recommendation>
        {
            new($"Alert on error bursts{(path is null ? "" : $" at {path}")}",
                string.Create(CultureInfo.InvariantCulture, $"{count:N0} errors in {window.TotalMinutes:0.#} minutes; this rule fires at half that rate, so on-call hears of the next one as it starts."),
                LogQLQuery.Print(MetricBuilder.GreaterThan(MetricBuilder.Sum(MetricBuilder.CountOverTime(lines, s_alertRange)), threshold)),
                "logql-alert"),
        };
        list.Add(new Recommendation($"Fix the main error: {mainError}",
            first.Field("error_stack") is { } stack
                ? "Its stack trace points at where it starts: " + InnermostFrame(stack)
                : "Its lines carry no stack trace: log error.stack with it so the next one says where it starts.",
            first.Field("correlation_id") is { } correlation
                ? $"Replay the request {first.Describe()} (correlation id {correlation}) against a staging copy to reproduce it."
                : $"Reproduce {first.Describe()} against a staging copy.",
            "checklist"));
        return list;
    }

    public static IReadOnlyList<Recommendation> ForSlowApi(string path, double p95Before, double p95After)
    {
        var lines = LogQueryBuilder.Stream("job", "tovplay-backend").Json().Label("path", path);
        // Between the old and the new level: the next regression of this size fires it, the old normal does not.
        var threshold = Math.Round(Math.Max(p95Before * 1.5, (p95Before + p95After) / 2));
        return
        [
            new($"Alert when {path} gets slow",
                string.Create(CultureInfo.InvariantCulture, $"Its 95th percentile went from {p95Before:0} ms to {p95After:0} ms; this rule fires above {threshold:0} ms over five minutes."),
                LogQLQuery.Print(MetricBuilder.GreaterThan(
                    MetricBuilder.Unwrapped(RangeOperation.QuantileOverTime, lines, "duration_ms", s_alertRange, quantile: 0.95), threshold)),
                "logql-alert"),
            new($"Compare {path} before and after the change",
                "A level shift right after a deploy is usually the deploy: a new query, a lost index, an N+1, a slower dependency.",
                $"EXPLAIN (ANALYZE, BUFFERS) the statements {path} runs, in the old and the new version; check pg_stat_statements for new or slower statements since the shift.",
                "checklist"),
        ];
    }

    /// <param name="guessing">New addresses that failed to sign in more than once: passwords were being tried.</param>
    public static IReadOnlyList<Recommendation> ForAccount(string username, IReadOnlyCollection<string> newAddresses, IReadOnlyCollection<string>? guessing = null)
    {
        var credentialChanges = LogQueryBuilder.Stream("job", "tovplay-backend").Json().Label("username", username)
            .Label("action", string.Join("|", AccountInvestigation.CredentialActions), MatchOperator.Regex);
        var list = new List<Recommendation>
        {
            new($"Secure the account {username}",
                "Whoever signed in may still hold a session or know the new password.",
                $"Revoke every session of {username}, reset the password through the owner's verified e-mail, and review its recent permission and e-mail changes.",
                "checklist"),
            new("Alert on a credential change of the account",
                "A sign-in or session from a new address followed by a change of password, e-mail or second factor is how an account takeover looks; this rule catches every such change for review, and the app should also ask for the old password or a second factor.",
                LogQLQuery.Print(MetricBuilder.GreaterThan(MetricBuilder.Sum(MetricBuilder.CountOverTime(credentialChanges, s_alertRange)), 0)),
                "logql-alert"),
        };
        if (guessing is { Count: > 0 })
        {
            var failures = LogQueryBuilder.Stream("job", "tovplay-backend").Contains("LOGIN_FAILED").Json().Label("action", "LOGIN_FAILED");
            list.Add(new("Alert on failed sign-ins from one address",
                $"Passwords were tried from {string.Join(", ", guessing.Take(3))}; a rule on failed sign-ins per address catches the guessing while it happens, before one works.",
                LogQLQuery.Print(MetricBuilder.GreaterThan(MetricBuilder.Sum(MetricBuilder.CountOverTime(failures, s_alertRange), "ip"), 10)),
                "logql-alert"));
            list.Add(new("Slow down sign-ins after failures",
                "Guessing needs many tries: after a few failures from one address or for one account, answer slower or ask for a second factor.",
                "Rate-limit POST /api/auth/login per address and per account (e.g. 5 failures in 15 minutes, then a delay or a CAPTCHA), and lock the account after 10 until the owner confirms by e-mail.",
                "checklist"));
        }

        foreach (var address in newAddresses.Take(3))
        {
            list.Add(new Recommendation($"Block {address} at the edge",
                $"It is new for {username} and acted in the incident; block it at the load balancer or firewall while the account is reviewed.",
                $"deny {address};  # nginx, in the server block of app.tovplay.org", "nginx"));
        }

        return list;
    }

    private static string InnermostFrame(string stack)
    {
        var frame = stack.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("File ", StringComparison.Ordinal) || l.StartsWith("at ", StringComparison.Ordinal));
        return frame ?? stack.Split('\n')[0].Trim();
    }
}
