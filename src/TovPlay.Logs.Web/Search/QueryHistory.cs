using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Search;

/// <summary>A query as the history menu shows it.</summary>
public sealed record SavedQueryView(long Id, string Query, bool Starred, string? Title, DateTimeOffset LastRunAt, int RunCount);

/// <summary>Each operator's query history (newest first, the last <see cref="MaxHistory"/> kept) and starred queries (kept until unstarred).</summary>
public sealed class QueryHistory(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public const int MaxHistory = 100;
    public const int MaxTitleLength = 100;

    public async Task RecordAsync(ClaimsPrincipal user, string query, CancellationToken cancellationToken = default)
    {
        if (UserId(user) is not { } userId)
        {
            return;
        }

        var hash = Hash(query);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One statement, so two tabs running the same query at once cannot both insert it.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO saved_queries (user_id, query, query_hash, starred, first_run_at, last_run_at, run_count)
            VALUES ({userId}, {query}, {hash}, false, {now}, {now}, 1)
            ON CONFLICT (user_id, query_hash) DO UPDATE SET last_run_at = EXCLUDED.last_run_at, run_count = saved_queries.run_count + 1
            """, cancellationToken);
        var keep = db.SavedQueries.Where(q => q.UserId == userId).OrderByDescending(q => q.LastRunAt).ThenByDescending(q => q.Id).Take(MaxHistory).Select(q => q.Id);
        await db.SavedQueries.Where(q => q.UserId == userId && !q.Starred && !keep.Contains(q.Id)).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SavedQueryView>> RecentAsync(ClaimsPrincipal user, int count = 30, CancellationToken cancellationToken = default) =>
        await ListAsync(user, q => true, count, cancellationToken);

    public async Task<IReadOnlyList<SavedQueryView>> StarredAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await ListAsync(user, q => q.Starred, MaxHistory, cancellationToken);

    /// <summary>Stars or unstars a query of this user's (running it first if it is not in the history yet).</summary>
    public async Task SetStarredAsync(ClaimsPrincipal user, string query, bool starred, string? title = null, CancellationToken cancellationToken = default)
    {
        if (UserId(user) is not { } userId)
        {
            return;
        }

        title = string.IsNullOrWhiteSpace(title) ? null : title.Trim();
        if (title?.Length > MaxTitleLength)
        {
            throw new ArgumentException($"Title: longer than {MaxTitleLength} characters.");
        }

        var kept = starred ? title : null;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Starring a query never run before puts it in the history with no runs.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO saved_queries (user_id, query, query_hash, starred, title, first_run_at, last_run_at, run_count)
            VALUES ({userId}, {query}, {Hash(query)}, {starred}, {kept}, {now}, {now}, 0)
            ON CONFLICT (user_id, query_hash) DO UPDATE SET starred = EXCLUDED.starred, title = EXCLUDED.title
            """, cancellationToken);
    }

    public async Task<bool> IsStarredAsync(ClaimsPrincipal user, string query, CancellationToken cancellationToken = default)
    {
        if (UserId(user) is not { } userId)
        {
            return false;
        }

        var hash = Hash(query);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SavedQueries.AnyAsync(q => q.UserId == userId && q.QueryHash == hash && q.Starred, cancellationToken);
    }

    private async Task<IReadOnlyList<SavedQueryView>> ListAsync(ClaimsPrincipal user, System.Linq.Expressions.Expression<Func<SavedQuery, bool>> filter, int count, CancellationToken cancellationToken)
    {
        if (UserId(user) is not { } userId)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SavedQueries.AsNoTracking().Where(q => q.UserId == userId).Where(filter)
            .OrderByDescending(q => q.LastRunAt).ThenByDescending(q => q.Id).Take(count)
            .Select(q => new SavedQueryView(q.Id, q.Query, q.Starred, q.Title, q.LastRunAt, q.RunCount))
            .ToListAsync(cancellationToken);
    }

    private static string? UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    private static string Hash(string query) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)));
}
