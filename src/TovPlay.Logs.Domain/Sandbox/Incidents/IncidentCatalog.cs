namespace TovPlay.Logs.Domain.Sandbox.Incidents;

/// <summary>The incidents the sandbox can play, in the order the page lists them.</summary>
public static class IncidentCatalog
{
    public static readonly IReadOnlyList<string> Slugs =
    [
        DatabaseIncidents.ApiMassDeleteSlug, DatabaseIncidents.PsqlTruncateSlug, DatabaseIncidents.UpdateWithoutWhereSlug, DatabaseIncidents.DropTableSlug,
        DatabaseIncidents.RefusedDeleteSlug, DatabaseIncidents.AccountDeletedSlug,
        AccountIncidents.TakeoverSlug, AccountIncidents.BruteForceSlug, AccountIncidents.HijackSlug, ServiceIncidents.SlowDeploySlug, ServiceIncidents.ErrorBurstSlug,
    ];

    /// <summary>
    /// The incident named <paramref name="slug"/>, with fresh ids from <paramref name="random"/>, for a sandbox with these
    /// roles whose superuser is <paramref name="superuser"/>; null when there is none.
    /// </summary>
    public static SandboxIncident? Build(string slug, Random random, SandboxRoles roles, string superuser) => slug switch
    {
        DatabaseIncidents.ApiMassDeleteSlug => DatabaseIncidents.ApiMassDelete(new SandboxIds(random), roles),
        DatabaseIncidents.PsqlTruncateSlug => DatabaseIncidents.PsqlTruncate(superuser),
        DatabaseIncidents.UpdateWithoutWhereSlug => DatabaseIncidents.UpdateWithoutWhere(new SandboxIds(random), roles),
        DatabaseIncidents.DropTableSlug => DatabaseIncidents.DropTable(roles),
        DatabaseIncidents.RefusedDeleteSlug => DatabaseIncidents.RefusedDelete(roles),
        DatabaseIncidents.AccountDeletedSlug => DatabaseIncidents.AccountDeleted(new SandboxIds(random)),
        AccountIncidents.TakeoverSlug => AccountIncidents.Takeover(new SandboxIds(random)),
        AccountIncidents.BruteForceSlug => AccountIncidents.BruteForce(new SandboxIds(random)),
        AccountIncidents.HijackSlug => AccountIncidents.Hijack(new SandboxIds(random)),
        ServiceIncidents.SlowDeploySlug => ServiceIncidents.SlowDeploy(new SandboxIds(random)),
        ServiceIncidents.ErrorBurstSlug => ServiceIncidents.ErrorBurst(new SandboxIds(random)),
        _ => null,
    };

    /// <summary>Every incident, for listing (ids drawn from a fixed seed: only the titles and summaries are shown).</summary>
    public static IReadOnlyList<SandboxIncident> All(SandboxRoles roles, string superuser) => [.. Slugs.Select(s => Build(s, new Random(1), roles, superuser)!)];
}
