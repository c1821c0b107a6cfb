using TovPlay.Logs.Domain.LogQL.Ast;
using static TovPlay.Logs.Domain.LogQL.Building.MetricBuilder;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class FrontendQueries
{
    private static LogQL.Building.LogQueryBuilder FrontendErrors => Streams.Frontend.Where("level", MatchOperator.Equal, "error").Json();

    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("frontend.errors-by-page", "Frontend errors by page", QueryCategory.Frontend,
            "JavaScript errors per page. A page that starts failing after a release or a data change shows here.",
            [P.Range()],
            a => Sum(CountOverTime(FrontendErrors.WithoutErrors(), a.Duration("range")), "page"));

        yield return new("frontend.error-lines", "Frontend error lines", QueryCategory.Frontend,
            "The frontend's error reports with page, browser, user and correlation id, to tie a broken screen to the backend request behind it.",
            [],
            _ => FrontendErrors.Build());

        yield return new("frontend.user-actions", "A user's frontend actions", QueryCategory.Frontend,
            "What one user did in the browser, action by action, with page and correlation id: the user's side of the story.",
            [P.User],
            a => Streams.Frontend.Json().Label("username", a.Text("username")).Build());

        yield return new("frontend.actions-by-page", "Frontend actions by page", QueryCategory.Frontend,
            "User actions per page and action type. Shows what people were doing in the app when something went wrong.",
            [P.Range()],
            a => Sum(CountOverTime(Streams.Frontend.Json().WithoutErrors(), a.Duration("range")), "page", "action"));

        yield return new("frontend.browsers-with-errors", "Browsers reporting errors", QueryCategory.Frontend,
            "Frontend errors per user agent. When one browser or version reports most errors, the fault is in the client, not the data.",
            [P.Range()],
            a => Sum(CountOverTime(FrontendErrors.WithoutErrors(), a.Duration("range")), "user_agent"));
    }
}
