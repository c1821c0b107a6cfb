using System.Text.Json;
using Npgsql;
using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogStore;

/// <summary>
/// The store's chunks on a real PostgreSQL, read without the in-memory head: pushes land as fresh chunks, compaction
/// rewrites them without changing a single answer, and a store in the row format of earlier versions is moved into
/// chunks when the app starts, every line kept.
/// </summary>
public sealed class ChunkStoreTests
{
    private const long Second = 1_000_000_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> s_fromTheDatabase = new()
    {
        ["LogStore:HeadMegabytes"] = "0",
        // Small chunks, so a few hundred lines make many; compaction only when a test asks.
        ["LogStore:ChunkLineBytes"] = "2048",
        ["LogStore:CompactionInterval"] = "01:00:00",
    };

    private static async Task<List<string>> LinesAsync(LokiPushClient client, string query, long start, long end, string direction, int limit = 5000)
    {
        var json = await client.GetJsonAsync($"query_range?query={LokiPushClient.Q(query)}&start={start}&end={end}&limit={limit}&direction={direction}");
        return [.. json.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => (Ts: long.Parse(v[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), Line: v[1].GetString()!)))
            .OrderBy(e => direction == "forward" ? e.Ts : -e.Ts)
            .Select(e => e.Line)];
    }

    private static async Task<(long Chunks, long Fresh)> ChunksAsync(TestDatabase database, string run)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*), count(*) FILTER (WHERE NOT compacted) FROM logstore.chunks c JOIN logstore.streams s ON s.id = c.stream_id WHERE s.labels LIKE '%' || @run || '%'", connection);
        command.Parameters.AddWithValue("run", run);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    [Fact]
    public async Task SmallPushesOutOfOrder_AreCompactedIntoFewChunks_AndEveryQueryAnswersTheSameBeforeAndAfter()
    {
        // A database of its own: every app on the shared one runs its own compactor.
        await using var database = await TestDatabase.CreateAsync("compaction");
        await using var app = new TestApp(database.ConnectionString, s_fromTheDatabase);
        using var client = new LokiPushClient(app, await app.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var run = Guid.NewGuid().ToString("N")[..12];
        var labels = new Dictionary<string, string> { ["job"] = "chunk-tests", ["run"] = run };
        var start = LokiPushClient.NowNs - (600 * Second);

        // 40 pushes of 10 lines; every other push goes back in time by half a push (within the ordering window), so
        // pushed chunks overlap. Two lines share each timestamp.
        for (var push = 0; push < 40; push++)
        {
            var first = (push * 10) - (push % 2 == 1 ? 5 : 0);
            await client.PushAsync(labels, [.. Enumerable.Range(0, 10).Select(i => (start + ((first + i) / 2 * Second), $"push {push:D2} line {i} needle-{push * 10 + i:D3} {new string('x', 60)}"))]);
        }

        var end = start + (400 * Second);
        var query = $"{{run=\"{run}\"}}";
        var forward = await LinesAsync(client, query, start, end, "forward");
        var backward = await LinesAsync(client, query, start, end, "backward");
        var limited = await LinesAsync(client, query, start, end, "backward", limit: 7);
        var needle = await LinesAsync(client, $"{query} |= \"needle-217\"", start, end, "forward");
        var counted = await client.GetJsonAsync($"query?query={LokiPushClient.Q($"sum(count_over_time({query}[1h]))")}&time={end}");
        var before = await ChunksAsync(database, run);

        var rewritten = await app.Services.GetRequiredService<ChunkCompactor>().CompactOnceAsync(Ct, everything: true);

        var after = await ChunksAsync(database, run);
        Assert.Equal(400, forward.Count);
        Assert.Equal(forward.AsEnumerable().Reverse(), backward);
        Assert.Equal(backward.Take(7), limited);
        Assert.Equal([$"push 21 line 7 needle-217 {new string('x', 60)}"], needle);
        Assert.Equal("400", counted.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());
        Assert.Equal(40, before.Fresh);
        Assert.True(rewritten >= 40, $"compaction rewrote {rewritten} chunks");
        Assert.Equal(0, after.Fresh);
        // About 90 bytes a line, 2 KB a chunk: 400 lines fit in about 20 chunks, not 40.
        Assert.InRange(after.Chunks, 15, 25);
        Assert.Equal(forward, await LinesAsync(client, query, start, end, "forward"));
        Assert.Equal(backward, await LinesAsync(client, query, start, end, "backward"));
        Assert.Equal(limited, await LinesAsync(client, query, start, end, "backward", limit: 7));
        Assert.Equal(needle, await LinesAsync(client, $"{query} |= \"needle-217\"", start, end, "forward"));
        var recounted = await client.GetJsonAsync($"query?query={LokiPushClient.Q($"sum(count_over_time({query}[1h]))")}&time={end}");
        Assert.Equal(counted.GetProperty("data").GetProperty("result").ToString(), recounted.GetProperty("data").GetProperty("result").ToString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("64")]
    public async Task APushOutOfOrder_IsReadInTimeOrder_LinesOfOneTimeInTheOrderPushed_FromChunksAndFromTheHead(string headMegabytes)
    {
        await using var database = await TestDatabase.CreateAsync("order");
        await using var app = new TestApp(database.ConnectionString, new Dictionary<string, string?>(s_fromTheDatabase) { ["LogStore:HeadMegabytes"] = headMegabytes });
        using var client = new LokiPushClient(app, await app.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var run = Guid.NewGuid().ToString("N")[..12];
        var labels = new Dictionary<string, string> { ["job"] = "chunk-tests", ["run"] = run };
        var start = LokiPushClient.NowNs - (600 * Second);

        // 300 lines of ~70 bytes (several 2 KB chunks), pushed newest first, three to each second.
        await client.PushAsync(labels, [.. Enumerable.Range(0, 300).Reverse().Select(i => (start + (i / 3 * Second), $"line {i:D3} {new string('x', 60)}"))]);

        var forward = await LinesAsync(client, $"{{run=\"{run}\"}}", start, start + (200 * Second), "forward");

        // Each second's three lines came in as 3k+2, 3k+1, 3k: that order is kept within the second.
        var expected = Enumerable.Range(0, 100).SelectMany(k => new[] { (3 * k) + 2, (3 * k) + 1, 3 * k }).Select(i => $"line {i:D3} {new string('x', 60)}");
        Assert.Equal(expected, forward);
    }

    [Fact]
    public async Task ChunksOfferTheirLinesAsUtf8_AsTheTextReads_RepeatsInAnotherChunkDropped_EitherDirection()
    {
        await using var database = await TestDatabase.CreateAsync("chunk_utf8");
        var run = Guid.NewGuid().ToString("N")[..12];
        var labels = new Dictionary<string, string> { ["job"] = "chunk-tests", ["run"] = run };
        var start = LokiPushClient.NowNs - (600 * Second);
        (long, string)[] pushed = [.. Enumerable.Range(0, 120).Select(i => (start + (i / 2 * Second), $"{i:D3} ünïcödé 日本 {{\"path\":\"/p{i % 3}\"}} {new string('x', 40)}"))];

        // Two instances, each with its own memory of recent entries: the second's copy of line 40 is stored again,
        // in a chunk of its own, and reading must drop it.
        await using (var first = new TestApp(database.ConnectionString, s_fromTheDatabase))
        {
            using var client = new LokiPushClient(first, await first.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
            await client.PushAsync(labels, pushed);
        }

        await using var app = new TestApp(database.ConnectionString, s_fromTheDatabase);
        using (var again = new LokiPushClient(app, await app.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue)))
        {
            await again.PushAsync(labels, pushed[40]);
        }

        var streams = app.Services.GetRequiredService<StreamRegistry>();
        await streams.RefreshAsync(Ct, force: true);
        using var reader = new StoreReader(app.Services.GetRequiredService<LogStoreDatabase>(), streams, TimeSpan.FromSeconds(30), Ct, head: null);
        var selector = Assert.IsType<TovPlay.Logs.Domain.LogQL.Ast.LogQueryExpr>(TovPlay.Logs.Domain.LogQL.LogQLQuery.Parse($"{{run=\"{run}\"}}")).Selector;
        foreach (var direction in new[] { TovPlay.Logs.Domain.LogQL.Evaluation.Direction.Forward, TovPlay.Logs.Domain.LogQL.Evaluation.Direction.Backward })
        {
            var slice = Assert.Single(reader.Select(new TovPlay.Logs.Domain.LogQL.Evaluation.LogSelection(selector, start, start + (100 * Second), direction)));
            var expected = direction == TovPlay.Logs.Domain.LogQL.Evaluation.Direction.Forward ? pushed : [.. pushed.Reverse()];

            Assert.NotNull(slice.Utf8Entries);
            Assert.Equal(expected, slice.Utf8Entries.Select(e => (e.TimestampNs, System.Text.Encoding.UTF8.GetString(e.Line.Span))));
            Assert.Equal(expected, slice.Entries.Select(e => (e.TimestampNs, e.Line)));
        }
    }

    [Fact]
    public async Task PushedChunks_WaitForAChunksWorthOfSmallOnes_OrToSettle_BeforeCompactionTakesThem()
    {
        await using var database = await TestDatabase.CreateAsync("compaction_wait");
        await using var app = new TestApp(database.ConnectionString, s_fromTheDatabase);
        using var client = new LokiPushClient(app, await app.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var compactor = app.Services.GetRequiredService<ChunkCompactor>();
        var now = LokiPushClient.NowNs;
        Dictionary<string, string> Stream() => new() { ["job"] = "chunk-tests", ["run"] = Guid.NewGuid().ToString("N")[..12] };
        var (manySmall, fewSmall, onePushFull) = (Stream(), Stream(), Stream());
        var line = new string('s', 100);
        for (var i = 0; i < 25; i++)
        {
            await client.PushAsync(manySmall, (now - (100 * Second) + i, $"{i:D2} {line}"));
        }

        await client.PushAsync(fewSmall, (now - Second, "few one"));
        await client.PushAsync(fewSmall, (now, "few two"));
        await client.PushAsync(onePushFull, [.. Enumerable.Range(0, 30).Select(i => (now - Second + i, $"{i:D2} {line}"))]);

        await compactor.CompactOnceAsync(Ct);

        // 25 small chunks add up to more than a chunk's worth (2 KB here): merged. Two small ones wait for more, and a
        // push that made full chunks waits until it settles.
        Assert.Equal(0, (await ChunksAsync(database, manySmall["run"])).Fresh);
        Assert.Equal((2, 2), await ChunksAsync(database, fewSmall["run"]));
        var full = await ChunksAsync(database, onePushFull["run"]);
        Assert.True(full.Fresh > 0 && full.Fresh == full.Chunks, $"{full}");

        await using (var connection = await database.OpenAsync())
        await using (var age = new NpgsqlCommand("UPDATE logstore.chunks SET created_at = now() - interval '10 minutes'", connection))
        {
            await age.ExecuteNonQueryAsync(Ct);
        }

        await compactor.CompactOnceAsync(Ct);

        Assert.Equal((1, 0), await ChunksAsync(database, fewSmall["run"]));
        Assert.Equal(0, (await ChunksAsync(database, onePushFull["run"])).Fresh);
        Assert.Equal(["few one", "few two"], (await StoredLines.ReadAsync(database, $"%{fewSmall["run"]}%")).Select(e => e.Entry.Line));
    }

    [Fact]
    public async Task ADamagedChunk_IsSkippedByCompaction_WhichGoesOnWithTheOtherStreams()
    {
        await using var database = await TestDatabase.CreateAsync("compaction_damaged");
        await using var app = new TestApp(database.ConnectionString, s_fromTheDatabase);
        using var client = new LokiPushClient(app, await app.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var now = LokiPushClient.NowNs;
        var (damaged, sound) = (Guid.NewGuid().ToString("N")[..12], Guid.NewGuid().ToString("N")[..12]);
        foreach (var run in new[] { damaged, sound })
        {
            await client.PushAsync(new Dictionary<string, string> { ["job"] = "chunk-tests", ["run"] = run }, (now - 2, "one"));
            await client.PushAsync(new Dictionary<string, string> { ["job"] = "chunk-tests", ["run"] = run }, (now - 1, "two"));
        }

        await using (var connection = await database.OpenAsync())
        await using (var damage = new NpgsqlCommand(
            "UPDATE logstore.chunks c SET entries = '\\x05ffff'::bytea FROM logstore.streams s WHERE s.id = c.stream_id AND s.labels LIKE '%' || @run || '%'", connection))
        {
            damage.Parameters.AddWithValue("run", damaged);
            await damage.ExecuteNonQueryAsync(Ct);
        }

        await app.Services.GetRequiredService<ChunkCompactor>().CompactOnceAsync(Ct, everything: true);

        Assert.Equal((2, 2), await ChunksAsync(database, damaged));
        Assert.Equal((1, 0), await ChunksAsync(database, sound));
    }

    [Fact]
    public async Task AnAppStartingOverADamagedChunk_Serves_AndOnlyThatStreamsQueriesFail()
    {
        await using var database = await TestDatabase.CreateAsync("head_damaged");
        var now = LokiPushClient.NowNs;
        var (damaged, sound) = (Guid.NewGuid().ToString("N")[..12], Guid.NewGuid().ToString("N")[..12]);
        await using (var first = new TestApp(database.ConnectionString))
        {
            using var pusher = new LokiPushClient(first, await first.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
            foreach (var run in new[] { damaged, sound })
            {
                await pusher.PushAsync(new Dictionary<string, string> { ["job"] = "chunk-tests", ["run"] = run }, (now - 1, $"line of {run}"));
            }
        }

        await using (var connection = await database.OpenAsync())
        await using (var damage = new NpgsqlCommand(
            "UPDATE logstore.chunks c SET entries = '\\x05ffff'::bytea FROM logstore.streams s WHERE s.id = c.stream_id AND s.labels LIKE '%' || @run || '%'", connection))
        {
            damage.Parameters.AddWithValue("run", damaged);
            await damage.ExecuteNonQueryAsync(Ct);
        }

        // The head loads in the background at start; the damaged chunk must not stop the app there.
        await using var second = new TestApp(database.ConnectionString);
        using var client = new LokiPushClient(second, await second.CreateApiKeyAsync());
        Assert.Equal([$"line of {sound}"], await LinesAsync(client, $"{{run=\"{sound}\"}}", now - Second, now + Second, "forward"));
        var (status, body) = await client.GetAsync($"query_range?query={LokiPushClient.Q($"{{run=\"{damaged}\"}}")}&start={now - Second}&end={now + Second}");
        Assert.NotEqual(200, status);
        Assert.Contains("cannot be restored", body);
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "chunk-tests", ["run"] = sound }, (now, "still taking pushes"));
    }

    [Fact]
    public async Task ARowFormatStore_IsMovedIntoChunksOnStart_EveryLineKeptWithItsMetadata()
    {
        await using var database = await TestDatabase.CreateAsync("row_format");
        var now = LokiPushClient.NowNs;
        var yesterday = now - (86_400 * Second);
        var expected = await WriteRowFormatAsync(database, now, yesterday);

        await using var app = new TestApp(database.ConnectionString, s_fromTheDatabase);
        using var client = new LokiPushClient(app, await app.CreateApiKeyAsync());

        var stored = await StoredLines.ReadAsync(database, "%row-format%");
        Assert.Equal(expected.Select(e => e.Line).Order(StringComparer.Ordinal), stored.Select(e => e.Entry.Line).Order(StringComparer.Ordinal));
        Assert.Equal("trace-7", Assert.Single(stored, e => e.Entry.Line == "with metadata").Entry.Metadata!["trace_id"]);
        var read = await LinesAsync(client, "{job=\"row-format\"}", yesterday - Second, now + Second, "forward");
        Assert.Equal(expected.OrderBy(e => e.Ts).Select(e => e.Line), read);
        await using var connection = await database.OpenAsync();
        await using var gone = new NpgsqlCommand("SELECT to_regclass('logstore.entries') IS NULL", connection);
        Assert.True((bool)(await gone.ExecuteScalarAsync(Ct))!);

        // A second start finds nothing left to move and reads the same.
        await using var again = new TestApp(database.ConnectionString, s_fromTheDatabase);
        using var second = new LokiPushClient(again, await again.CreateApiKeyAsync());
        Assert.Equal(read, await LinesAsync(second, "{job=\"row-format\"}", yesterday - Second, now + Second, "forward"));
    }

    /// <summary>The tables an earlier version made (one row per line, a partition per day), filled; returns what they hold.</summary>
    private static async Task<List<(long Ts, string Line)>> WriteRowFormatAsync(TestDatabase database, long now, long yesterday)
    {
        await using var connection = await database.OpenAsync();
        var days = new[] { now, yesterday }.Select(Partitions.DayOf).Distinct().ToList();
        var ddl = """
            CREATE SCHEMA logstore;
            CREATE TABLE logstore.streams (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, labels text NOT NULL UNIQUE, fingerprint bigint NOT NULL, job text, created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE logstore.entries (stream_id bigint NOT NULL, ts bigint NOT NULL, line text NOT NULL, metadata jsonb) PARTITION BY RANGE (ts);
            CREATE INDEX entries_stream_ts ON logstore.entries (stream_id, ts);
            CREATE TABLE logstore.stream_days (stream_id bigint NOT NULL REFERENCES logstore.streams (id), day date NOT NULL, PRIMARY KEY (day, stream_id));
            INSERT INTO logstore.streams (labels, fingerprint, job) VALUES ('{job="row-format", stream="a"}', 1, 'row-format'), ('{job="row-format", stream="b"}', 2, 'row-format');
            """ + string.Concat(days.Select(d =>
                $"CREATE TABLE logstore.\"entries_{d:yyyyMMdd}\" PARTITION OF logstore.entries FOR VALUES FROM ({Partitions.StartNs(d)}) TO ({Partitions.StartNs(d.AddDays(1))});"
                + $"INSERT INTO logstore.stream_days VALUES (1, '{d:yyyy-MM-dd}'), (2, '{d:yyyy-MM-dd}');"));
        await using (var create = new NpgsqlCommand(ddl, connection))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        var rows = new List<(long Stream, long Ts, string Line, string? Metadata)>();
        for (var i = 0; i < 300; i++)
        {
            rows.Add((1 + (i % 2), (i < 150 ? yesterday : now - (10 * Second)) + (i * 1000), $"row {i:D3} of the old format {new string('r', 40)}", null));
        }

        rows.Add((1, now - (5 * Second), "with metadata", JsonSerializer.Serialize(new Dictionary<string, string> { ["trace_id"] = "trace-7" })));
        await using (var importer = await connection.BeginBinaryImportAsync("COPY logstore.entries (stream_id, ts, line, metadata) FROM STDIN (FORMAT BINARY)", Ct))
        {
            foreach (var (stream, ts, line, metadata) in rows)
            {
                await importer.StartRowAsync(Ct);
                await importer.WriteAsync(stream, NpgsqlTypes.NpgsqlDbType.Bigint, Ct);
                await importer.WriteAsync(ts, NpgsqlTypes.NpgsqlDbType.Bigint, Ct);
                await importer.WriteAsync(line, NpgsqlTypes.NpgsqlDbType.Text, Ct);
                await importer.WriteAsync(metadata, NpgsqlTypes.NpgsqlDbType.Jsonb, Ct);
            }

            await importer.CompleteAsync(Ct);
        }

        return [.. rows.Select(r => (r.Ts, r.Line))];
    }
}
