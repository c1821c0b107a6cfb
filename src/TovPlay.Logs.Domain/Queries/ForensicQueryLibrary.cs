using TovPlay.Logs.Domain.Queries.Library;

namespace TovPlay.Logs.Domain.Queries;

/// <summary>The library of ready-made investigation queries, for the wizard, search and alert forms.</summary>
public static class ForensicQueryLibrary
{
    private static readonly Lazy<IReadOnlyList<ForensicQuery>> s_all = new(() =>
    {
        var all = WhoQueries.All().Concat(WhenQueries.All()).Concat(WhatQueries.All()).Concat(WhyQueries.All()).Concat(HowQueries.All())
            .Concat(SecurityQueries.All()).Concat(PerformanceQueries.All()).Concat(ErrorQueries.All()).Concat(FrontendQueries.All())
            .Concat(DatabaseAuditQueries.All()).ToList();
        var duplicate = all.GroupBy(q => q.Id).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? all : throw new InvalidOperationException($"Two library queries share the id {duplicate.Key}.");
    });

    public static IReadOnlyList<ForensicQuery> All => s_all.Value;

    public static ForensicQuery? Find(string id) => All.FirstOrDefault(q => q.Id == id);

    public static IEnumerable<ForensicQuery> In(QueryCategory category) => All.Where(q => q.Category == category);
}
