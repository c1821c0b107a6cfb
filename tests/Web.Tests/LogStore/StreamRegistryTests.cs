using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogStore;

/// <summary>Each replica's list of streams comes to hold every stream of the store, however their ids were committed.</summary>
public sealed class StreamRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Two instances of the app on one store: one writes, the other reads and keeps the list under test.</summary>
    private sealed class Replicas : IAsyncDisposable
    {
        public required TestDatabase Database { get; init; }

        public required TestApp Reader { get; init; }

        public required TestApp Writer { get; init; }

        public required LokiPushClient Client { get; init; }

        public StreamRegistry Registry => Reader.Services.GetRequiredService<StreamRegistry>();

        public static async Task<Replicas> StartAsync(string name)
        {
            var database = await TestDatabase.CreateAsync(name);
            // Several replicas writing one store read it without a head (each head holds only its own writes).
            var reader = new TestApp(database.ConnectionString, new Dictionary<string, string?> { ["LogStore:HeadMegabytes"] = "0" });
            var writer = new TestApp(database.ConnectionString);
            return new Replicas { Database = database, Reader = reader, Writer = writer, Client = new LokiPushClient(writer, await writer.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue)) };
        }

        /// <summary>The lines of the run's streams in the last minute, as the reading instance answers.</summary>
        public async Task<IEnumerable<string>> LinesAsync(string run)
        {
            var now = LokiPushClient.NowNs;
            var read = await Reader.Services.GetRequiredService<ILogSource>().QueryRangeAsync(
                new RangeQueryRequest($"{{run=\"{run}\"}}", now - 60_000_000_000, now + 1) { Limit = 10 }, Ct);
            return read.Streams.SelectMany(s => s.Entries).Select(e => e.Line).Order(StringComparer.Ordinal);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Writer.DisposeAsync();
            await Reader.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    [Fact]
    public async Task AStreamCommittedAfterAHigherIdWasRead_IsFoundByTheNextRescan()
    {
        await using var replicas = await Replicas.StartAsync("stream_gaps");
        var (registry, client) = (replicas.Registry, replicas.Client);
        registry.RescanInterval = TimeSpan.FromHours(1);
        var run = Guid.NewGuid().ToString("N")[..12];
        var slow = LabelSet.From(("job", "gap"), ("run", run), ("replica", "slow"));

        // Another replica takes an id for a stream and commits it only after a later id was committed and read here.
        await using (var connection = await replicas.Database.OpenAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync(Ct);
            await using (var insert = new Npgsql.NpgsqlCommand("INSERT INTO logstore.streams (labels, fingerprint, job) VALUES (@labels, 0, 'gap')", connection, transaction))
            {
                insert.Parameters.AddWithValue("labels", slow.ToString());
                await insert.ExecuteNonQueryAsync(Ct);
            }

            await client.PushAsync(new Dictionary<string, string> { ["job"] = "gap", ["run"] = run, ["replica"] = "fast" }, (LokiPushClient.NowNs, "fast"));
            await registry.RefreshAsync(Ct, force: true);
            await transaction.CommitAsync(Ct);
        }

        await client.PushAsync(slow.Pairs.ToDictionary(), (LokiPushClient.NowNs, "slow"));
        registry.RescanInterval = TimeSpan.Zero;
        await registry.RefreshAsync(Ct, force: true);

        Assert.Equal(["fast", "slow"], await replicas.LinesAsync(run));
    }

    [Fact]
    public async Task AStreamRetiredAndCreatedAgainByAnotherReplica_IsReadUnderItsNewId()
    {
        await using var replicas = await Replicas.StartAsync("stream_recreated");
        var (registry, client) = (replicas.Registry, replicas.Client);
        var run = Guid.NewGuid().ToString("N")[..12];
        var labels = new Dictionary<string, string> { ["job"] = "again", ["run"] = run };
        await client.PushAsync(labels, (LokiPushClient.NowNs, "first life"));
        await registry.RefreshAsync(Ct, force: true);
        var before = Assert.Single(registry.All, s => s.Labels["run"] == run).Id;

        // What another replica's retention does to a stream without entries, and its next push after.
        await using (var connection = await replicas.Database.OpenAsync())
        {
            await using var retire = new Npgsql.NpgsqlCommand(
                "DELETE FROM logstore.chunks WHERE stream_id = @id; DELETE FROM logstore.stream_days WHERE stream_id = @id; DELETE FROM logstore.streams WHERE id = @id", connection);
            retire.Parameters.AddWithValue("id", before);
            await retire.ExecuteNonQueryAsync(Ct);
        }

        replicas.Writer.Services.GetRequiredService<StreamRegistry>().Forget([before]);
        await client.PushAsync(labels, (LokiPushClient.NowNs, "second life"));
        registry.RescanInterval = TimeSpan.Zero;
        await registry.RefreshAsync(Ct, force: true);

        Assert.Equal(["second life"], await replicas.LinesAsync(run));
        Assert.NotEqual(before, Assert.Single(registry.All, s => s.Labels["run"] == run).Id);
    }
}
