using System.Threading.Channels;
using Npgsql;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Listens for the commits other app instances announce and hands their entries to this instance's live tails, so
/// a line pushed to any instance behind the load balancer reaches viewers on all of them. The entries are read back
/// from the store by the announced ranges; what two overlapping announcements both cover is handed over once.
/// Nothing is read while no one here is tailing. Runs only with <see cref="LogStoreOptions.AnnounceCommits"/>, the
/// setting for several instances on one store; a single instance has no one to hear from.
/// </summary>
public sealed class CommitListener(
    LogStoreDatabase database, CommitAnnouncements announcements, StreamRegistry streams, IngestFeed feed,
    Microsoft.Extensions.Options.IOptions<LogStoreOptions> options, TimeProvider time, ILogger<CommitListener> logger)
    : BackgroundService
{
    private const int RecentPerStream = 10_000;

    private readonly Dictionary<long, RecentEntries> _delivered = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.AnnounceCommits)
        {
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken, () => failures = 0);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                // Lines other instances commit while this one is not listening do not reach its live tails.
                logger.LogWarning(ex, "Listening for other instances' log commits failed (attempt {Attempt}); retrying", failures);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures - 1))), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken, Action connected)
    {
        var payloads = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        // LISTEN lives as long as its session: never through a pooler that hands the session to someone else.
        await using var connection = await database.OpenDirectAsync(stoppingToken);
        connection.Notification += (_, e) => payloads.Writer.TryWrite(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {CommitAnnouncements.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        connected();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delivering = DeliverAsync(payloads.Reader, stop.Token);
        try
        {
            while (true)
            {
                await connection.WaitAsync(stoppingToken);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await delivering;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task DeliverAsync(ChannelReader<string> payloads, CancellationToken cancellationToken)
    {
        await foreach (var payload in payloads.ReadAllAsync(cancellationToken))
        {
            if (announcements.Decode(payload) is not { } ranges || !feed.HasSubscribers)
            {
                continue;
            }

            var committed = new List<CommittedStream>();
            await using var connection = await database.OpenAsync(cancellationToken);
            foreach (var range in ranges)
            {
                if (await streams.FindAsync(range.StreamId, cancellationToken) is not { } stream)
                {
                    continue;
                }

                var entries = await ReadAsync(connection, range, cancellationToken);
                if (entries.Count > 0)
                {
                    committed.Add(new CommittedStream(stream.Labels, entries));
                }
            }

            if (committed.Count > 0)
            {
                feed.Publish(committed);
            }
        }
    }

    private async Task<List<Utf8Entry>> ReadAsync(NpgsqlConnection connection, CommittedRange range, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {ChunkRows.Columns(withEntries: true)} FROM logstore.chunks WHERE stream_id = @stream AND min_ts <= @to AND min_ts >= @earliest AND max_ts >= @from ORDER BY min_ts, id", connection);
        command.Parameters.AddWithValue("stream", range.StreamId);
        command.Parameters.AddWithValue("from", range.FromNs);
        command.Parameters.AddWithValue("to", range.ToNs);
        command.Parameters.AddWithValue("earliest", range.FromNs - ChunkCutter.MaxSpanNs);
        if (!_delivered.TryGetValue(range.StreamId, out var delivered))
        {
            _delivered[range.StreamId] = delivered = new RecentEntries(RecentPerStream);
        }

        var chunks = new List<StoredChunk>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                chunks.Add(ChunkRows.Read(reader, withEntries: true));
            }
        }

        var entries = new List<Utf8Entry>();
        var inOrder = ChunkMerge.Merge(chunks, c => (c.MinTs, c.MaxTs), c => ChunkRows.Utf8Entries(c, range.FromNs, range.ToNs + 1, forward: true), e => e.TimestampNs, forward: true);
        foreach (var entry in inOrder)
        {
            // Another commit's entries may fall in this range too: each is handed over once, when first seen.
            if (delivered.TryAdd(RecentEntries.KeyOf(entry.TimestampNs, entry.Line.Span)))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }
}
