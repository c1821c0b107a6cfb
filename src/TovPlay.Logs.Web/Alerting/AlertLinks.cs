using System.Globalization;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Logs.Search;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>Links from a notification back into the app: the rule, Search over its window, the investigation that fits.</summary>
public static class AlertLinks
{
    /// <summary>The annotation naming the investigation scenario an alert opens (<c>wipe</c>, <c>account</c>, <c>slow-api</c>, <c>errors</c>, <c>free</c>).</summary>
    public const string ScenarioAnnotation = "scenario";

    /// <summary>The annotation giving that investigation's subject (a table, a username, a path), usually a template.</summary>
    public const string SubjectAnnotation = "subject";

    public static string Rule(string externalUrl, Guid ruleId) => Base(externalUrl) + "alerts/rules/" + ruleId.ToString("D");

    /// <summary>Search with the query and the window that made the alert (from the window before it started to now).</summary>
    public static string Search(string externalUrl, string query, DateTimeOffset from, DateTimeOffset to)
    {
        var range = TimeRange.Absolute(from, to > from ? to : from.AddMinutes(1));
        return Base(externalUrl) + "search?query=" + Uri.EscapeDataString(query) + "&from=" + range.From + "&to=" + range.To;
    }

    /// <summary>The scenario value that sends an alert about connections to the Database page instead of an investigation.</summary>
    public const string DatabasePage = BuiltInRules.DatabasePage;

    /// <summary>
    /// The scenario the annotations name, or the free investigation of the moment the alert started; the Database page
    /// for alerts about connections, which are answered by what is connected now rather than by the logs.
    /// </summary>
    public static string Investigate(string externalUrl, IReadOnlyDictionary<string, string> annotations, DateTimeOffset around)
    {
        if (annotations.TryGetValue(ScenarioAnnotation, out var page) && page == DatabasePage)
        {
            return Base(externalUrl) + DatabasePage;
        }

        var scenario = annotations.TryGetValue(ScenarioAnnotation, out var slug) && Scenario.FromSlug(slug) is { } named ? named : Scenario.Of(ScenarioKind.Free);

        var link = Base(externalUrl) + "investigate/" + scenario.Slug + "?around=" + Uri.EscapeDataString(around.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        return annotations.TryGetValue(SubjectAnnotation, out var subject) && subject.Length is > 0 and <= Scenario.MaxSubjectLength
            ? link + "&subject=" + Uri.EscapeDataString(subject)
            : link;
    }

    private static string Base(string externalUrl) => externalUrl.TrimEnd('/') + "/";
}
