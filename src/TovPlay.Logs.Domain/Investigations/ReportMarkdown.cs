using System.Globalization;
using System.Text.RegularExpressions;
using System.Text;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// The report as Markdown, for a ticket or a post-mortem: every finding with how it is known and its evidence (the
/// query and what it returned then), what could not be established, the recommendations with their exact changes,
/// and each time in UTC and in the reader's zone. Text from the evidence is escaped or fenced, never rendered.
/// </summary>
public static partial class ReportMarkdown
{
    private static readonly (InvestigationStep Step, string Title)[] s_steps =
    [
        (InvestigationStep.What, "WHAT"), (InvestigationStep.Who, "WHO"), (InvestigationStep.Why, "WHY / HOW"),
    ];

    public static string Render(InvestigationReport report, TimeZoneInfo zone, string? restoreLinkBase = null)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(Escape(report.Title)).AppendLine();
        md.Append("- Scenario: ").AppendLine(Escape(report.Scenario));
        md.Append("- Generated: ").Append(Time(report.GeneratedAt, zone)).Append(" by ").AppendLine(Escape(report.GeneratedBy));
        if (report.Table is { Length: > 0 } table)
        {
            md.Append("- Table: `").Append(table.Replace("`", "", StringComparison.Ordinal)).AppendLine("`");
        }

        md.AppendLine().AppendLine("## WHEN").AppendLine();
        md.Append("From ").Append(Time(report.WindowStart, zone)).Append(" to ").Append(Time(report.WindowEnd, zone)).AppendLine(".").AppendLine();
        md.AppendLine(Escape(report.WindowExplanation));

        foreach (var (step, title) in s_steps)
        {
            md.AppendLine().Append("## ").AppendLine(title).AppendLine();
            var any = false;
            foreach (var finding in report.For(step))
            {
                any = true;
                md.Append("- **").Append(Escape(finding.Statement)).Append("** (").Append(finding.BasisLabel).AppendLine(")");
                md.Append("  - How: ").AppendLine(Escape(finding.How));
                if (finding.CorrelationId is { } correlation)
                {
                    md.Append("  - Correlation id: `").Append(correlation.Replace("`", "", StringComparison.Ordinal)).AppendLine("`");
                }

                if (finding.TraceId is { } trace)
                {
                    md.Append("  - Trace: `").Append(trace.Replace("`", "", StringComparison.Ordinal)).AppendLine("`");
                }
                foreach (var evidence in finding.Evidence)
                {
                    md.Append("  - Evidence from ").Append(Escape(EvidenceSource.Name(evidence.Source))).Append(", taken ").Append(Time(evidence.TakenAt, zone)).AppendLine(":");
                    Fence(md, "    ", "Query", evidence.Query);
                    Fence(md, "    ", "Result", evidence.Snapshot);
                }
            }

            foreach (var unknown in report.Unknowns.Where(u => u.Step == step))
            {
                any = true;
                md.Append("- Not established: ").Append(Escape(unknown.What)).Append(". Why: ").Append(Escape(unknown.Why)).AppendLine(".");
            }

            if (!any)
            {
                md.AppendLine("Nothing found.");
            }
        }

        md.AppendLine().AppendLine("## PREVENT").AppendLine();
        if (report.Recommendations.Count == 0)
        {
            md.AppendLine("No recommendation: nothing was found to prevent.");
        }

        foreach (var recommendation in report.Recommendations)
        {
            md.Append("### ").AppendLine(Escape(recommendation.Title)).AppendLine();
            md.AppendLine(Escape(recommendation.Why)).AppendLine();
            Fence(md, "", null, recommendation.Change, recommendation.ChangeKind);
        }

        md.AppendLine().AppendLine("## RECOVER").AppendLine();
        var transactions = report.Transactions.ToList();
        if (transactions.Count == 0)
        {
            md.AppendLine("Nothing to restore: no removed rows were found in the window.");
        }

        foreach (var tx in transactions)
        {
            md.Append("- Transaction ").Append(tx.TxId.ToString(CultureInfo.InvariantCulture)).Append(" (").Append(Escape(tx.Action)).Append(" on `")
                .Append(tx.Table.Replace("`", "", StringComparison.Ordinal)).Append("`, ").Append(tx.Rows.ToString("N0", CultureInfo.InvariantCulture)).Append(" rows): restore script at `")
                .Append(restoreLinkBase).Append("api/audit/restore-script?statement=").Append(tx.Id.ToString(CultureInfo.InvariantCulture)).AppendLine("&transaction=true`");
        }

        return md.ToString();
    }

    /// <summary>A time as the report says it: UTC first (what logs say), then the reader's zone.</summary>
    public static string Time(DateTimeOffset time, TimeZoneInfo zone)
    {
        var utc = UtcText.Millis(time);
        if (zone.Id == TimeZoneInfo.Utc.Id)
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(time, zone);
        return $"{utc} ({local.ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture)} {zone.Id})";
    }

    /// <summary>
    /// Markdown's emphasis, code, link and table characters and HTML's angle brackets taken literally. Line-start
    /// markers (#, -, 1.) need no escape: escaped text never starts a line here.
    /// </summary>
    public static string Escape(string text) => Special().Replace(text.ReplaceLineEndings(" "), @"\$0");

    private static void Fence(StringBuilder md, string indent, string? label, string text, string? language = null)
    {
        if (label is not null)
        {
            md.Append(indent).Append(label).AppendLine(":");
        }

        // A fence longer than any run of backticks inside, so nothing in the evidence can close it.
        var longest = Backticks().Matches(text).Select(m => m.Length).DefaultIfEmpty(0).Max();
        var fence = new string('`', Math.Max(3, longest + 1));
        md.Append(indent).Append(fence).AppendLine(language is "sql" or "logql" ? language : "");
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            md.Append(indent).AppendLine(line);
        }

        md.Append(indent).AppendLine(fence);
    }

    [GeneratedRegex(@"[\\`*_\[\]|<>~]")]
    private static partial Regex Special();

    [GeneratedRegex("`+")]
    private static partial Regex Backticks();
}
