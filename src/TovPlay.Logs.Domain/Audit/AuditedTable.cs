namespace TovPlay.Logs.Domain.Audit;

public enum TableKind
{
    Ordinary,
    Partitioned,
    Partition,
}

/// <summary>
/// A column as the catalog describes it: its type as <c>format_type</c> prints it; whether it is generated (never
/// written back); whether a sequence feeds it (identity or serial: a restore must move the sequence past what it wrote).
/// </summary>
public sealed record TableColumn(string Name, string Type, bool Generated = false, bool Sequenced = false);

/// <summary>
/// A table of the audited database as the installer sees it. <see cref="Oid"/> names its audit objects, so a
/// renamed table keeps its trail.
/// </summary>
public sealed record AuditedTable(uint Oid, string Schema, string Name, TableKind Kind, IReadOnlyList<TableColumn> Columns, IReadOnlyList<string> PrimaryKey)
{
    /// <summary>The partitioned table this one is a partition of, when it is one.</summary>
    public uint? ParentOid { get; init; }

    public string QualifiedName => SqlText.Qualified(Schema, Name);

    public string Display => $"{Schema}.{Name}";

    /// <summary>The columns, in order, as the installer last saw them: a change means the capture must be regenerated.</summary>
    public string Signature => string.Join(", ", Columns.Select(c => $"{c.Name} {c.Type}"));
}
