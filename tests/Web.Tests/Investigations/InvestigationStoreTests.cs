using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Investigations;

/// <summary>Saved investigations in the app's database: the frozen report, status and notes, exports over HTTP, and the app audit trail of each look.</summary>
public sealed class InvestigationStoreTests(WebAppFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset s_at = new(2026, 11, 27, 10, 31, 4, 250, TimeSpan.Zero);

    private static InvestigationReport Report(string title) => new(
        "Data deleted or wiped", title, s_at.AddMinutes(20), "investigator@tests", "users", s_at.AddMinutes(-1), s_at.AddMinutes(1),
        "Rows removed: a spike.",
        [new ReportStatement(41, 900, s_at, "TRUNCATE", "public.users", 30, "postgres", "psql", "10.9.9.9", null, null)],
        [
            Finding.Direct(InvestigationStep.What, "TRUNCATE on public.users removed 30 row(s)", "an audit row",
                new Evidence("audit", "SELECT * FROM tovplay_audit.statements WHERE id = 41", "{\"id\":41,\"note\":\"```fenced```\"}", s_at.AddMinutes(20))),
            Finding.Inferred(InvestigationStep.Why, "Probably the request DELETE /api/users", "time and user", 0.7),
        ],
        [new Unknown(InvestigationStep.Who, "the application user", "no tovplay.* context")],
        [new Recommendation("Guard public.users", "because", "CREATE TRIGGER ...", "sql")]);

    private async Task<(Guid Id, ClaimsPrincipal User)> SaveAsync(string title)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "saver@tests"), new Claim(ClaimTypes.NameIdentifier, "saver-id")], "test"));
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<InvestigationStore>().SaveAsync(Report(title), user, Ct), user);
    }

    [Fact]
    public async Task Save_FreezesTheReport_OpenGivesItBack_AndTheAppAuditTrailRecordsEachLook()
    {
        var title = "Wipe " + Guid.NewGuid().ToString("N")[..8];
        var (id, user) = await SaveAsync(title);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<InvestigationStore>();

        var opened = (await store.OpenAsync(id, user, Ct))!;

        var expected = Report(title);
        Assert.Equal(expected, opened.Report with { Statements = expected.Statements, Findings = expected.Findings, Unknowns = expected.Unknowns, Recommendations = expected.Recommendations });
        Assert.Equal(expected.Statements, opened.Report.Statements);
        Assert.Equal(expected.Unknowns, opened.Report.Unknowns);
        Assert.Equal(expected.Recommendations, opened.Report.Recommendations);
        Assert.Equal(expected.Findings.Select(f => (f.Statement, f.BasisLabel, f.How, f.Evidence.Count)), opened.Report.Findings.Select(f => (f.Statement, f.BasisLabel, f.How, f.Evidence.Count)));
        Assert.Equal(expected.Findings[0].Evidence[0], opened.Report.Findings[0].Evidence[0]);
        Assert.Equal(("saver@tests", InvestigationStatus.Open), (opened.Record.CreatedBy, opened.Record.Status));
        Assert.Contains(await store.ListAsync(InvestigationStatus.Open, Ct), s => s.Id == id && s.Title == title);

        Assert.True(await store.UpdateAsync(id, InvestigationStatus.Closed, "Restored at 11:02.", user, Ct));
        Assert.DoesNotContain(await store.ListAsync(InvestigationStatus.Open, Ct), s => s.Id == id);
        Assert.Contains(await store.ListAsync(InvestigationStatus.Closed, Ct), s => s.Id == id);
        Assert.False(await store.UpdateAsync(Guid.NewGuid(), InvestigationStatus.Closed, null, user, Ct));
        Assert.Throws<ArgumentException>(() => store.UpdateAsync(id, InvestigationStatus.Open, new string('x', SavedInvestigation.MaxNotesLength + 1), user, Ct).GetAwaiter().GetResult());

        var trail = await AuditRows.ForTargetAsync(fixture.Database, $"investigation {id:D}");
        Assert.Equal(
            [(AppAuditActions.InvestigationSaved, title), (AppAuditActions.InvestigationOpened, null), (AppAuditActions.InvestigationUpdated, "status Open -> Closed, notes")],
            trail.Select(r => (r.Action, r.Details)));
        Assert.All(trail, r => Assert.Equal("saver@tests", r.Actor));
    }

    [Fact]
    public async Task ReportExport_MarkdownAndJson_ForInvestigatorsOnly_TimesInUtcAndTheirZone_BadInputSaysWhy()
    {
        var title = "Export " + Guid.NewGuid().ToString("N")[..8];
        var (id, _) = await SaveAsync(title);
        var investigator = await fixture.CreateUserAsync(AppRoles.Investigator);
        var viewer = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var asInvestigator = await SignInClient.SignedInAsync(fixture.App, investigator);
        using var asViewer = await SignInClient.SignedInAsync(fixture.App, viewer);
        using var anonymous = fixture.App.CreateClient();
        var link = "/logs/" + InvestigationEndpoints.ReportLink(id, "md", "Europe/Berlin");

        // A script, not a browser: refused outright rather than sent to the sign-in page.
        using (var request = new HttpRequestMessage(HttpMethod.Get, link) { Headers = { Accept = { new("text/markdown") } } })
        using (var refused = await asViewer.SendAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var refused = await anonymous.GetAsync(link, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var markdown = await asInvestigator.GetAsync(link, Ct);
        Assert.Equal("attachment", markdown.Content.Headers.ContentDisposition?.DispositionType);
        var text = await markdown.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith($"# {title}\n", text.ReplaceLineEndings("\n"));
        Assert.Contains("From 2026-11-27 10:30:04.250 UTC (2026-11-27 11:30:04.250 +01:00 Europe/Berlin) to ", text);
        Assert.Contains("- **TRUNCATE on public.users removed 30 row(s)** (audit trail · direct evidence)", text);
        Assert.Contains("- **Probably the request DELETE /api/users** (inference (70% confidence))", text);
        Assert.Contains("- Not established: the application user. Why: no tovplay.\\* context.", text);
        // Evidence holding a fence cannot close the report's own.
        Assert.Contains("    ````\n    {\"id\":41,\"note\":\"```fenced```\"}\n    ````", text.ReplaceLineEndings("\n"));
        Assert.Contains("restore script at `/logs/api/audit/restore-script?statement=41&transaction=true`", text);

        var json = JsonDocument.Parse(await asInvestigator.GetStringAsync("/logs/" + InvestigationEndpoints.ReportLink(id, "json", null), Ct)).RootElement;
        Assert.Equal(title, json.GetProperty("title").GetString());
        Assert.Equal("Inferred", json.GetProperty("findings")[1].GetProperty("basis").GetString());
        Assert.Equal(0.7, json.GetProperty("findings")[1].GetProperty("confidence").GetDouble());

        foreach (var (query, status, reason) in new[]
        {
            ($"api/investigations/{id:D}/report?format=pdf", HttpStatusCode.BadRequest, "format: must be md or json."),
            ($"api/investigations/{id:D}/report?tz=Mars/Olympus", HttpStatusCode.BadRequest, "tz: not a known time zone (an IANA name such as Europe/Berlin)."),
            ($"api/investigations/{Guid.Empty:D}/report", HttpStatusCode.NotFound, $"No investigation {Guid.Empty:D}."),
        })
        {
            using var bad = await asInvestigator.GetAsync("/logs/" + query, Ct);
            Assert.Equal(status, bad.StatusCode);
            Assert.Equal(reason, (await bad.Content.ReadAsStringAsync(Ct)).Trim());
        }

        var trail = await AuditRows.ForTargetAsync(fixture.Database, $"investigation {id:D}");
        Assert.Equal(["md", "json"], trail.Where(r => r.Action == AppAuditActions.InvestigationExported).Select(r => r.Details));
    }
}
