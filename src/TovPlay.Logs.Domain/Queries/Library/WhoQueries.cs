using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;
using static TovPlay.Logs.Domain.LogQL.Building.MetricBuilder;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class WhoQueries
{
    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("who.deletes-by-user", "Deletes in the window, by user", QueryCategory.Who,
            "Every DELETE request the backend served in the chosen window, optionally for one user. Start here when rows went missing and you want the application users who removed things.",
            [P.OptionalUser],
            a => (a.Optional("username") is { } u ? Streams.BackendJson.Label("action", "DELETE").Label("username", u) : Streams.BackendJson.Label("action", "DELETE")).Build());

        yield return new("who.delete-counts-per-user", "Delete counts per user", QueryCategory.Who,
            "How many DELETE requests each user made per time bucket. A user who suddenly deletes far more than usual stands out on the chart.",
            [P.Step("5m")],
            a => Sum(CountOverTime(Streams.BackendJson.Label("action", "DELETE"), a.Duration("range")), "username"));

        yield return new("who.user-activity", "Everything one user did", QueryCategory.Who,
            "All backend requests made by one user, newest first. Use it once you have a suspect username to see the whole session around the change.",
            [P.User],
            a => Streams.BackendJson.Label("username", a.Text("username")).Build());

        yield return new("who.ip-activity", "Everything from one IP address", QueryCategory.Who,
            "All backend requests that came from one client address, whoever was signed in. Shared or stolen accounts show up as several usernames on one address.",
            [P.Ip],
            a => Streams.Backend.Contains(a.Text("ip")).Json().Label("ip", a.Text("ip")).Build());

        yield return new("who.users-on-ip", "Users seen on one IP address", QueryCategory.Who,
            "Request counts per username for one client address. More than one account on an address that is not an office gateway deserves a question.",
            [P.Ip, P.Range()],
            a => Sum(CountOverTime(Streams.Backend.Contains(a.Text("ip")).Json().Label("ip", a.Text("ip")), a.Duration("range")), "username"));

        yield return new("who.db-changes-by-role", "Database changes by role", QueryCategory.Who,
            "Audit-trail statements run by one database role. Use it when the audit shows a role you did not expect touching data.",
            [new QueryParameter("role", "Database role", ParameterKind.Identifier, null, "The PostgreSQL role (session user), e.g. tovplay_app.")],
            a => Streams.Audit.Label("db_user", a.Text("role")).Build());

        yield return new("who.db-changes-outside-app", "Database changes not made by the application", QueryCategory.Who,
            "Audited statements whose client program was not the TovPlay backend (psql, DBeaver, scripts). Changes made by hand are the first thing to explain after a wipe.",
            [],
            _ => Streams.Audit.Label("application", "tovplay-backend", MatchOperator.NotEqual).Build());

        yield return new("who.top-users", "Most active users", QueryCategory.Who,
            "The ten usernames with the most requests per bucket. Useful to spot an account driving unusual traffic.",
            [P.Range()],
            a => TopK(10, Sum(CountOverTime(Streams.BackendJson.WithoutErrors(), a.Duration("range")), "username")));

        yield return new("who.admin-actions", "Admin endpoint calls", QueryCategory.Who,
            "Every call to the admin API, with who made it and the outcome. Role changes and forced deletions go through here.",
            [],
            _ => Streams.BackendJson.Label("path", "/api/admin/.*", MatchOperator.Regex).Build());
    }
}
