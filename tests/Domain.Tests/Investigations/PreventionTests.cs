using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class PreventionTests
{
    private static readonly ApplicationProfile s_app = new(["10.0.1.5"], ["tovplay-backend"], ["tovplay_app"]);

    private static AuditStatement Statement(string action, long rows, string role, string? addr, string application, string? correlation) =>
        new(7, 901, DateTimeOffset.UnixEpoch, "public", "users", action, rows, role, role, addr, 50122, application, 4242, null, null, null, correlation, null, action + " users") { TableOid = 16400 };

    [Fact]
    public void ADirectTruncate_RevokesIt_RefusesTheAddress_GuardsAndAlerts_WithTheExactChange()
    {
        var list = Prevention.ForWipe([Statement("TRUNCATE", 1842, "dba", "198.51.100.23", "psql", null)], s_app, new AuditSql());

        Assert.Equal("REVOKE TRUNCATE ON \"public\".\"users\" FROM \"dba\";", list.Single(r => r.Title.StartsWith("Take", StringComparison.Ordinal)).Change);
        Assert.Equal("host  all  dba  198.51.100.23/32  reject", list.Single(r => r.ChangeKind == "pg_hba").Change);
        var guard = list.Single(r => r.Title.StartsWith("Guard", StringComparison.Ordinal));
        Assert.Equal("Guard public.users against mass changes over 184 rows", guard.Title);
        Assert.Equal(new GuardTarget("public", "users", 184), guard.Guard);
        Assert.Contains("EXECUTE FUNCTION \"tovplay_audit\".\"guard_truncate\"('184')", guard.Change);
        Assert.Equal("sum(sum_over_time({job=\"tovplay-db-audit\"} | json | table=\"users\" | action=~\"DELETE|TRUNCATE\" | unwrap rows | __error__=\"\" [1m])) > 184",
            list.Single(r => r.ChangeKind == "logql-alert").Change);
        Assert.True(TovPlay.Logs.Domain.LogQL.LogQLQuery.TryParse(list.Single(r => r.ChangeKind == "logql-alert").Change, out _, out var error), error?.Message);
        Assert.Equal("checklist", list[^1].ChangeKind);
    }

    [Fact]
    public void ASuperuser_IsNotToldToRevoke_ButToStopWorkingAsSuperuser()
    {
        var list = Prevention.ForWipe([Statement("TRUNCATE", 1842, "postgres", "198.51.100.23", "psql", null)], s_app, new AuditSql(),
            new Dictionary<string, RoleGrants> { ["postgres"] = new("postgres", true, []) });

        Assert.DoesNotContain(list, r => r.Change.StartsWith("REVOKE", StringComparison.Ordinal));
        Assert.StartsWith("ALTER ROLE \"postgres\" NOSUPERUSER;", list.Single(r => r.Title == "Stop working as the superuser postgres").Change);
    }

    [Fact]
    public void ADeleteThroughTheApp_IsNotAnswered_ByTakingPrivilegesFromTheApp()
    {
        var list = Prevention.ForWipe([Statement("DELETE", 40, "tovplay_app", "10.0.1.5", "tovplay-backend", "c-1")], s_app, new AuditSql());

        Assert.DoesNotContain(list, r => r.ChangeKind == "pg_hba" || r.Change.StartsWith("REVOKE", StringComparison.Ordinal));
        Assert.Contains(list, r => r.Title == "Guard public.users against mass changes over 10 rows");
    }

    [Fact]
    public void TheAlertRule_EscapesATableNameThatWouldBreakOutOfItsString()
    {
        var hostile = Statement("DELETE", 500, "dba", null, "psql", null) with { Table = "x\" } |= \"y" };

        var alert = Prevention.ForWipe([hostile], s_app, new AuditSql()).Single(r => r.ChangeKind == "logql-alert").Change;

        Assert.True(TovPlay.Logs.Domain.LogQL.LogQLQuery.TryParse(alert, out _, out var error), error?.Message);
        Assert.Contains("table=\"x\\\" } |= \\\"y\"", alert);
    }

    [Fact]
    public void AnUpdateThatOverwroteATable_IsGuardedAndAlertedOn_AsADeleteWouldBe()
    {
        var list = Prevention.ForWipe([Statement("UPDATE", 20_000, "tovplay_worker", "10.0.1.5", "tovplay-worker", "job-1")], s_app, new AuditSql());

        var guard = Assert.Single(list, r => r.Guard is not null);
        Assert.Equal(("Guard public.users against mass changes over 2,000 rows", new GuardTarget("public", "users", 2000)), (guard.Title, guard.Guard));
        Assert.StartsWith("The largest statement here overwrote 20,000 rows at once", guard.Why);
        var alert = Assert.Single(list, r => r.ChangeKind == "logql-alert");
        Assert.Equal("Alert when public.users has many rows overwritten or removed", alert.Title);
        Assert.Contains("action=~\"UPDATE\"", alert.Change);
    }

    [Fact]
    public void ADeveloperActingThroughTheOwnersRole_IsToldToLoseTheMembership()
    {
        var drop = Statement("DROP TABLE", 120, "dev_rowan", "198.51.100.30", "DBeaver 24.2.5", null);

        var list = Prevention.ForWipe([drop], s_app, new AuditSql(), new Dictionary<string, RoleGrants> { ["dev_rowan"] = new("dev_rowan", false, ["tovplay_owner"]) });

        Assert.Equal("REVOKE \"tovplay_owner\" FROM \"dev_rowan\";", Assert.Single(list, r => r.Title == "Take the membership in tovplay_owner away from dev_rowan").Change);
    }

    [Fact]
    public void AFewRowsRemoved_AreNoReasonForAGuard_ThatWouldRefuseTheApplicationsOwnWork()
    {
        var list = Prevention.ForWipe([Statement("DELETE", 1, "tovplay_app", "10.0.1.5", "tovplay-backend", "c-1")], s_app, new AuditSql());

        Assert.DoesNotContain(list, r => r.Guard is not null || r.ChangeKind == "logql-alert");
    }
}
