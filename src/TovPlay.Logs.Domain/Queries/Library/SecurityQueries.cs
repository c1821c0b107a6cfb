using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;
using static TovPlay.Logs.Domain.LogQL.Building.MetricBuilder;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class SecurityQueries
{
    private static LogQueryBuilder FailedLogins => Streams.BackendJson.Label("action", "LOGIN").LabelNumber("status", CompareOperator.Equal, 401);

    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("security.failed-logins-by-ip", "Failed sign-ins by IP", QueryCategory.Security,
            "Wrong-password sign-ins per client address per bucket. Many failures from one address is guessing; failures spread over many addresses is spraying.",
            [P.Step("5m")],
            a => Sum(CountOverTime(FailedLogins, a.Duration("range")), "ip"));

        yield return new("security.brute-force", "Brute-force suspects", QueryCategory.Security,
            "Addresses with more failed sign-ins in the window than the threshold: candidates for a block.",
            [P.Range("5m"), P.Threshold("threshold", "Failures above", "20", 1, 1e6, "Flag addresses with more failures than this per window.")],
            a => GreaterThan(Sum(CountOverTime(FailedLogins, a.Duration("range")), "ip"), a.Number("threshold")));

        yield return new("security.logins-for-user", "Sign-ins of a user", QueryCategory.Security,
            "Successful and failed sign-ins of one account, with the address of each.",
            [P.User],
            a => Streams.BackendJson.Label("action", "LOGIN").Label("username", a.Text("username")).Build());

        yield return new("security.logins-from-new-ips", "Sign-ins from addresses new for a user", QueryCategory.Security,
            "Addresses a user signed in from in the window that they had not used in the history period before it. A new address right before a destructive change is strong evidence.",
            [P.User, P.Range("1d"), new QueryParameter("history", "History", ParameterKind.Duration, "30d", "How far back an address counts as known.")],
            a =>
            {
                var logins = Streams.BackendJson.Label("action", "LOGIN").Label("username", a.Text("username"));
                var recent = Sum(CountOverTime(logins, a.Duration("range")), "ip");
                var known = Sum(Range(RangeOperation.CountOverTime, logins, a.Duration("history"), offset: a.Duration("range")), "ip");
                return Binary(BinaryOperator.Unless, recent, known);
            });

        yield return new("security.password-changes", "Password changes", QueryCategory.Security,
            "Every password change with the account, the client address and the correlation id. A change nobody asked for is how an account gets taken over.",
            [],
            _ => Streams.BackendJson.Label("action", "PASSWORD_CHANGE").Build());

        yield return new("security.permission-changes", "Permission changes", QueryCategory.Security,
            "Every role or permission change with who made it and from where. An attacker who gains admin usually changes a role first.",
            [],
            _ => Streams.BackendJson.Label("action", "PERMISSION_CHANGE").Build());

        yield return new("security.sensitive-change-counts", "Sensitive account changes over time", QueryCategory.Security,
            "Password and permission changes per bucket, by action.",
            [P.Step("1h")],
            a => Sum(CountOverTime(Streams.BackendJson.LabelAny("action", ["PASSWORD_CHANGE", "PERMISSION_CHANGE"]), a.Duration("range")), "action"));

        yield return new("security.unauthorized", "Unauthorized and forbidden responses", QueryCategory.Security,
            "401 and 403 responses: failed sign-ins and attempts beyond a user's rights.",
            [],
            _ => Streams.BackendJson.Filter(LabelFilters.Or(
                LabelFilters.Number("status", CompareOperator.Equal, 401), LabelFilters.Number("status", CompareOperator.Equal, 403))).Build());

        yield return new("security.external-ips", "Requests from outside the private network", QueryCategory.Security,
            "Requests whose client address is outside 10.0.0.0/8.",
            [],
            _ => Streams.BackendJson.LabelIp("ip", "10.0.0.0/8", negated: true).Build());

        yield return new("security.forbidden-admin-calls", "Refused admin calls", QueryCategory.Security,
            "Admin API calls answered 403: someone tried an admin action without the role.",
            [],
            _ => Streams.BackendJson.Label("path", "/api/admin/.*", MatchOperator.Regex).LabelNumber("status", CompareOperator.Equal, 403).Build());

        yield return new("security.db-role-usage", "Database roles and programs", QueryCategory.Security,
            "Audited statements per database role and client program. Any pair other than the app's own deserves a reason.",
            [P.Range()],
            a => Sum(CountOverTime(Streams.Audit.WithoutErrors(), a.Duration("range")), "db_user", "application"));
    }
}
