using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Tests.Audit;

public sealed class AuditCoverageTests
{
    private static AuditedTable Table(uint oid, string name, TableKind kind = TableKind.Ordinary, uint? parent = null) =>
        new(oid, "public", name, kind, [new TableColumn("id", "bigint")], ["id"]) { ParentOid = parent };

    private static Dictionary<string, bool> All(AuditedTable table, bool enabled = true) => AuditSql.TriggerNames(table).ToDictionary(n => n, _ => enabled);

    [Fact]
    public void Assess_EachState_WithItsReason()
    {
        var users = Table(100, "users");
        var games = Table(101, "games");
        var old = Table(90, "legacy");
        var fresh = Table(200, "achievements");
        var changed = Table(102, "sessions");
        var parent = Table(103, "events", TableKind.Partitioned);
        var partition = Table(104, "events_2026", TableKind.Partition, parent: 103);
        var installed = new[]
        {
            new InstalledTable(100, users.Signature, AuditSql.Version), new InstalledTable(101, games.Signature, AuditSql.Version),
            new InstalledTable(102, "id integer", AuditSql.Version), new InstalledTable(103, parent.Signature, AuditSql.Version),
        };
        var triggers = new Dictionary<uint, IReadOnlyDictionary<string, bool>>
        {
            [100] = All(users), [101] = All(games, enabled: false), [102] = All(changed), [103] = All(parent),
        };

        var coverage = AuditCoverage.Assess([users, games, old, fresh, changed, parent, partition], installed, triggers, catalogHighOid: 150).ToDictionary(c => c.Table.Name);

        Assert.Equal(CoverageState.Audited, coverage["users"].State);
        Assert.Equal(CoverageState.Broken, coverage["games"].State);
        Assert.StartsWith("Trigger tovplay_audit_delete, tovplay_audit_insert,", coverage["games"].Reason);
        Assert.Equal(CoverageState.NotAudited, coverage["legacy"].State);
        Assert.Equal(CoverageState.NewSinceInstall, coverage["achievements"].State);
        Assert.Equal(CoverageState.Outdated, coverage["sessions"].State);
        Assert.Equal(CoverageState.Audited, coverage["events"].State);
        Assert.Equal(CoverageState.PartitionMissingTriggers, coverage["events_2026"].State);
    }

    [Fact]
    public void Assess_OlderVersion_IsOutdatedWithTheUpgradeHint()
    {
        var users = Table(100, "users");

        var coverage = AuditCoverage.Assess([users], [new InstalledTable(100, users.Signature, AuditSql.Version - 1)], new Dictionary<uint, IReadOnlyDictionary<string, bool>> { [100] = All(users) });

        Assert.Equal(CoverageState.Outdated, coverage[0].State);
        Assert.Contains("Install it again to upgrade", coverage[0].Reason);
    }
}
