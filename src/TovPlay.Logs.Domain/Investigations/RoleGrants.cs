namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// What a database role may do beyond its own grants, as the catalog has it now: whether it is a superuser, and the
/// roles it is a member of (whose privileges, ownership included, it acts with).
/// </summary>
public sealed record RoleGrants(string Role, bool Superuser, IReadOnlyList<string> MemberOf)
{
    /// <summary>The catalog query behind the grants of a role, as evidence.</summary>
    public static string Query(string role) =>
        "SELECT r.rolsuper, array(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) FROM pg_roles r WHERE r.rolname = "
        + Audit.SqlText.Literal(role);

    /// <summary>How the grants read in a sentence's evidence.</summary>
    public string Snapshot => $"superuser: {(Superuser ? "yes" : "no")}; member of: {(MemberOf.Count == 0 ? "(none)" : string.Join(", ", MemberOf))}";
}
