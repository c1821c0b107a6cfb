using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Web.Search;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Search;

/// <summary>Per-user history and starred queries, against the app's real database.</summary>
public sealed class QueryHistoryTests(WebAppFixture fixture)
{
    private async Task<ClaimsPrincipal> NewUserAsync()
    {
        var user = await fixture.CreateUserAsync("Viewer");
        var id = await fixture.FindUserIdAsync(user.Email);
        return new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, user.Email)], "test"));
    }

    private QueryHistory History()
    {
        var scope = fixture.App.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<QueryHistory>();
    }

    [Fact]
    public async Task Record_SameQueryTwice_IsOneEntryRunTwice_NewestFirst()
    {
        var user = await NewUserAsync();
        var history = History();

        await history.RecordAsync(user, "{job=\"a\"}", TestContext.Current.CancellationToken);
        await history.RecordAsync(user, "{job=\"b\"}", TestContext.Current.CancellationToken);
        await history.RecordAsync(user, "{job=\"a\"}", TestContext.Current.CancellationToken);

        var recent = await history.RecentAsync(user, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["{job=\"a\"}", "{job=\"b\"}"], recent.Select(r => r.Query));
        Assert.Equal(2, recent[0].RunCount);
    }

    [Fact]
    public async Task Record_PastTheCap_ForgetsTheOldest_ButKeepsStarredOnes()
    {
        var user = await NewUserAsync();
        var history = History();
        await history.SetStarredAsync(user, "{job=\"kept\"}", starred: true, "The kept one", TestContext.Current.CancellationToken);

        for (var i = 0; i < QueryHistory.MaxHistory + 5; i++)
        {
            await history.RecordAsync(user, $"{{job=\"q{i}\"}}", TestContext.Current.CancellationToken);
        }

        var recent = await history.RecentAsync(user, 1000, TestContext.Current.CancellationToken);
        Assert.Equal(QueryHistory.MaxHistory + 1, recent.Count);
        Assert.DoesNotContain(recent, r => r.Query == "{job=\"q4\"}");
        Assert.Contains(recent, r => r.Query == "{job=\"q5\"}");
        var starred = Assert.Single(await history.StarredAsync(user, TestContext.Current.CancellationToken));
        Assert.Equal(("{job=\"kept\"}", "The kept one"), (starred.Query, starred.Title));
    }

    [Fact]
    public async Task Starred_Unstar_LeavesItInTheHistoryOnly()
    {
        var user = await NewUserAsync();
        var history = History();
        await history.RecordAsync(user, "{job=\"a\"}", TestContext.Current.CancellationToken);

        await history.SetStarredAsync(user, "{job=\"a\"}", starred: true, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(await history.IsStarredAsync(user, "{job=\"a\"}", TestContext.Current.CancellationToken));
        await history.SetStarredAsync(user, "{job=\"a\"}", starred: false, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(await history.IsStarredAsync(user, "{job=\"a\"}", TestContext.Current.CancellationToken));
        Assert.Empty(await history.StarredAsync(user, TestContext.Current.CancellationToken));
        Assert.Single(await history.RecentAsync(user, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task History_IsPerUser()
    {
        var ann = await NewUserAsync();
        var bob = await NewUserAsync();
        var history = History();

        await history.RecordAsync(ann, "{job=\"ann-only\"}", TestContext.Current.CancellationToken);
        await history.SetStarredAsync(ann, "{job=\"ann-star\"}", starred: true, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(await history.RecentAsync(bob, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty(await history.StarredAsync(bob, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SetStarred_TitleTooLong_SaysSo()
    {
        var user = await NewUserAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => History().SetStarredAsync(user, "{job=\"a\"}", true, new string('t', 101), TestContext.Current.CancellationToken));

        Assert.Equal("Title: longer than 100 characters.", error.Message);
    }
}
