using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>
/// The database roles of the sandbox, as a real TovPlay deployment would have them: the owner of the tables (no login),
/// the backend's role, the background worker's service account, a developer who may act as the owner, and the support
/// team's read-only role. Roles are
/// shared by the whole PostgreSQL cluster, so a suffix keeps several sandboxes on one cluster apart.
/// </summary>
public sealed record SandboxRoles(string Suffix = "")
{
    public string Owner => "tovplay_owner" + Suffix;

    public string App => "tovplay_app" + Suffix;

    public string Worker => "tovplay_worker" + Suffix;

    public string Developer => "dev_rowan" + Suffix;

    /// <summary>The support team's role: it may read every table and change none.</summary>
    public string Support => "support_ro" + Suffix;

    /// <summary>The roles that sign in, each with the password it gets at this start.</summary>
    public IEnumerable<string> LoginRoles => [App, Worker, Developer, Support];

    /// <summary>Creates the roles that are missing and sets each login role's password (a new one at every start).</summary>
    public string Create(IReadOnlyDictionary<string, string> passwords)
    {
        var sql = new System.Text.StringBuilder();
        sql.AppendLine($"""
            DO $roles$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {SqlText.Literal(Owner)}) THEN CREATE ROLE {SqlText.Ident(Owner)} NOLOGIN; END IF;
            """);
        foreach (var role in LoginRoles)
        {
            sql.AppendLine($"  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {SqlText.Literal(role)}) THEN CREATE ROLE {SqlText.Ident(role)} LOGIN; END IF;");
        }

        sql.AppendLine("END $roles$;");
        foreach (var role in LoginRoles)
        {
            sql.AppendLine($"ALTER ROLE {SqlText.Ident(role)} LOGIN PASSWORD {SqlText.Literal(passwords[role])};");
        }

        sql.AppendLine($"GRANT {SqlText.Ident(Owner)} TO {SqlText.Ident(Developer)};");
        return sql.ToString();
    }
}
