using Npgsql;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>Reads the store's chunks directly: what is on disk, whatever any app instance answers.</summary>
public static class StoredLines
{
    /// <summary>The lines of every stream whose labels include <c>run="…"</c>.</summary>
    public static async Task<List<string>> OfRunAsync(TestDatabase database, string run) =>
        [.. (await ReadAsync(database, $"%run=\"{run}\"%")).Select(e => e.Entry.Line)];

    /// <summary>Every stored entry of the streams whose labels are LIKE <paramref name="labelsPattern"/>, with those labels, by time.</summary>
    public static async Task<List<(string Labels, LogEntry Entry)>> ReadAsync(TestDatabase database, string labelsPattern)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT s.labels, c.codec, c.timestamps, c.entries FROM logstore.chunks c JOIN logstore.streams s ON s.id = c.stream_id WHERE s.labels LIKE @pattern", connection);
        command.Parameters.AddWithValue("pattern", labelsPattern);
        var entries = new List<(string, LogEntry)>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var labels = reader.GetString(0);
            using var chunk = OpenedChunk.Open((ChunkCodec)reader.GetInt16(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3));
            entries.AddRange(Enumerable.Range(0, chunk.Count).Select(i => (labels, chunk.Entry(i))));
        }

        return [.. entries.OrderBy(e => e.Item2.TimestampNs)];
    }

    /// <summary>
    /// For a failure report: each stored stream of <paramref name="job"/> with its chunks, lines and time span, as
    /// "id labels: N chunks, M lines, first..last".
    /// </summary>
    public static async Task<List<string>> StreamsOfJobAsync(NpgsqlConnection connection, string job)
    {
        await using var command = new NpgsqlCommand(
            "SELECT s.id, s.labels, count(c.id), coalesce(sum(c.lines), 0), min(c.min_ts), max(c.max_ts) FROM logstore.streams s " +
            "LEFT JOIN logstore.chunks c ON c.stream_id = s.id WHERE s.job = @job GROUP BY s.id, s.labels ORDER BY s.id", connection);
        command.Parameters.AddWithValue("job", job);
        var streams = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            streams.Add($"{reader.GetInt64(0)} {reader.GetString(1)}: {reader.GetInt64(2)} chunks, {reader.GetInt64(3)} lines" +
                (reader.IsDBNull(4) ? "" : $", {reader.GetInt64(4)}..{reader.GetInt64(5)}"));
        }

        return streams;
    }
}
