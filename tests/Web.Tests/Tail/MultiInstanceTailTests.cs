using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.Tail;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Tail;

/// <summary>Two app instances on one database, as behind a load balancer: a line pushed to either reaches viewers on both.</summary>
public sealed class MultiInstanceTailTests
{
    private static readonly Dictionary<string, string?> s_settings = new() { ["LogStore:HeadMegabytes"] = "0", ["LogStore:AnnounceCommits"] = "true" };

    private static async Task<List<string>> ReadLinesAsync(TailViewer viewer, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var lines = new List<string>();
        while (lines.Count < count)
        {
            var update = await viewer.ReadAsync(timeout.Token) ?? throw new InvalidOperationException("the tail ended");
            lines.AddRange(update.Lines.Select(l => l.Line));
        }

        return lines;
    }

    private static async Task WaitLiveAsync(TailViewer viewer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (viewer.Status.State != TailConnectionState.Live)
        {
            Assert.True(DateTime.UtcNow < deadline, $"tail still {viewer.Status.State}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task LinePushedToOneInstance_ReachesViewersOnBoth_EachInstanceWithOneUpstream()
    {
        await using var database = await TestDatabase.CreateAsync("multi_instance");
        await using var first = new TestApp(database.ConnectionString, s_settings);
        await using var second = new TestApp(database.ConnectionString, s_settings);
        var token = await first.CreateApiKeyAsync();
        var run = Guid.NewGuid().ToString("N")[..12];
        var query = $"{{run=\"{run}\"}}";
        var labels = new Dictionary<string, string> { ["job"] = "multi", ["run"] = run };
        var onFirst = first.Services.GetRequiredService<TailBroker>();
        var onSecond = second.Services.GetRequiredService<TailBroker>();
        // Both instances must be listening before the pushes: wait for both listeners to be in place.
        await WaitListeningAsync(first, sessions: 2);

        using var viewerOnFirst = onFirst.Subscribe(query);
        using var viewerOnSecond = onSecond.Subscribe(query);
        using var anotherOnSecond = onSecond.Subscribe(query);
        await WaitLiveAsync(viewerOnFirst);
        await WaitLiveAsync(viewerOnSecond);
        await WaitLiveAsync(anotherOnSecond);

        using (var toFirst = new LokiPushClient(first, token))
        {
            await toFirst.PushAsync(labels, (LokiPushClient.NowNs, "pushed to the first"));
        }

        using (var toSecond = new LokiPushClient(second, token))
        {
            await toSecond.PushAsync(labels, (LokiPushClient.NowNs, "pushed to the second"));
        }

        Assert.Equal(["pushed to the first", "pushed to the second"], await ReadLinesAsync(viewerOnFirst, 2));
        Assert.Equal(["pushed to the first", "pushed to the second"], await ReadLinesAsync(viewerOnSecond, 2));
        Assert.Equal(["pushed to the first", "pushed to the second"], await ReadLinesAsync(anotherOnSecond, 2));
        Assert.Equal([TailBroker.Normalize(query)], onSecond.WatchedQueries);
        Assert.Equal([TailBroker.Normalize(query)], onFirst.WatchedQueries);
    }

    /// <summary>Waits until this many sessions of the database have started listening for commit notices.</summary>
    private static async Task WaitListeningAsync(TestApp app, int sessions)
    {
        var database = app.Services.GetRequiredService<LogStoreDatabase>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE query = @listen AND datname = current_database()", connection);
            command.Parameters.AddWithValue("listen", $"LISTEN {CommitAnnouncements.Channel}");
            if ((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! >= sessions)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the commit listener did not start");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
