namespace TovPlay.Logs.Domain.Audit;

public enum CoverageState
{
    /// <summary>Triggers present and enabled, capture generated for the table's current shape.</summary>
    Audited,
    NotAudited,
    /// <summary>Not audited, and created after the last install (its oid is newer than the catalog's was then).</summary>
    NewSinceInstall,
    /// <summary>Columns or version changed since the capture was generated: rows are kept as jsonb until it is regenerated.</summary>
    Outdated,
    /// <summary>Registered as audited, but a trigger is missing or disabled: changes are not being captured.</summary>
    Broken,
    /// <summary>A partition of an audited table without its own triggers: TRUNCATE of it alone is not captured.</summary>
    PartitionMissingTriggers,
}

/// <summary>What the installer recorded for a table.</summary>
public sealed record InstalledTable(uint Oid, string Signature, int Version);

/// <summary>A table's audit state and, when it is not fine, why in one sentence.</summary>
public sealed record TableCoverage(AuditedTable Table, CoverageState State, string? Reason);

/// <summary>The coverage report: which tables are watched, which are not, and which are watched badly.</summary>
public static class AuditCoverage
{
    /// <param name="triggers">Per table oid, its audit triggers by name and whether each is enabled.</param>
    /// <param name="catalogHighOid">The newest catalog oid at the last install; null before any install.</param>
    public static IReadOnlyList<TableCoverage> Assess(
        IReadOnlyList<AuditedTable> tables, IReadOnlyList<InstalledTable> installed, IReadOnlyDictionary<uint, IReadOnlyDictionary<string, bool>> triggers,
        uint? catalogHighOid = null)
    {
        var byOid = installed.ToDictionary(i => i.Oid);
        return [.. tables.Select(table => Assess(table, byOid, catalogHighOid, triggers))];
    }

    private static TableCoverage Assess(AuditedTable table, Dictionary<uint, InstalledTable> installed, uint? catalogHighOid, IReadOnlyDictionary<uint, IReadOnlyDictionary<string, bool>> triggers)
    {
        var present = triggers.GetValueOrDefault(table.Oid) ?? new Dictionary<string, bool>();
        if (!installed.TryGetValue(table.Oid, out var record))
        {
            if (table.ParentOid is { } parent && installed.ContainsKey(parent))
            {
                return new(table, CoverageState.PartitionMissingTriggers,
                    "A partition of an audited table: changes through the parent are captured, but TRUNCATE of this partition alone is not. Install it.");
            }

            // Oids grow until they wrap at 2^32, which a database rarely reaches between two installs.
            return table.Oid > catalogHighOid
                ? new(table, CoverageState.NewSinceInstall, "Created after the last install and not audited.")
                : new(table, CoverageState.NotAudited, null);
        }

        var missing = AuditSql.TriggerNames(table).Where(name => !present.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            return new(table, CoverageState.Broken, $"Trigger {string.Join(", ", missing)} is missing: those changes are not captured.");
        }

        var disabled = present.Where(p => !p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        if (disabled.Count > 0)
        {
            return new(table, CoverageState.Broken, $"Trigger {string.Join(", ", disabled)} is disabled (ALTER TABLE ... DISABLE TRIGGER): those changes are not captured.");
        }

        if (record.Signature != table.Signature)
        {
            return new(table, CoverageState.Outdated, "Its columns changed since install: rows are kept as jsonb until the capture is regenerated (install it again).");
        }

        return record.Version != AuditSql.Version
            ? new(table, CoverageState.Outdated, $"Installed by version {record.Version}; this is version {AuditSql.Version}. Install it again to upgrade.")
            : new(table, CoverageState.Audited, null);
    }
}
