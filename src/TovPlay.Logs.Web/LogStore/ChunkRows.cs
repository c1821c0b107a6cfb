using Npgsql;
using NpgsqlTypes;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>A chunk as read from <c>logstore.chunks</c>; <see cref="Entries"/> is null when only timestamps were asked for.</summary>
public sealed record StoredChunk(long Id, long StreamId, long MinTs, long MaxTs, ChunkCodec Codec, bool Compacted, byte[] Timestamps, byte[]? Entries);

/// <summary>Writing chunks to <c>logstore.chunks</c> and reading them back.</summary>
public static class ChunkRows
{
    /// <summary>The columns <see cref="Read"/> expects, in its order; without <c>entries</c> when lines are not needed.</summary>
    public static string Columns(bool withEntries) => withEntries
        ? "id, stream_id, min_ts, max_ts, codec, compacted, timestamps, entries"
        : "id, stream_id, min_ts, max_ts, codec, compacted, timestamps";

    public static StoredChunk Read(NpgsqlDataReader reader, bool withEntries) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetInt64(3),
        (ChunkCodec)reader.GetInt16(4),
        reader.GetBoolean(5),
        reader.GetFieldValue<byte[]>(6),
        withEntries ? reader.GetFieldValue<byte[]>(7) : null);

    /// <summary>Writes the chunks with one binary COPY, in the caller's transaction.</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, IEnumerable<(long StreamId, EncodedChunk Chunk)> chunks, bool compacted, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY logstore.chunks (stream_id, min_ts, max_ts, lines, line_bytes, codec, compacted, timestamps, entries) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (streamId, chunk) in chunks)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(streamId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(chunk.MinTs, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(chunk.MaxTs, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(chunk.Count, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(chunk.LineBytes, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync((short)chunk.Codec, NpgsqlDbType.Smallint, cancellationToken);
            await importer.WriteAsync(compacted, NpgsqlDbType.Boolean, cancellationToken);
            await importer.WriteAsync(chunk.Timestamps, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(chunk.Entries, NpgsqlDbType.Bytea, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// A chunk's entries in [<paramref name="fromNs"/>, <paramref name="toNs"/>) that pass <paramref name="filter"/>, in
    /// the direction asked. Lines are tested as UTF-8 and become strings only when they pass and
    /// <paramref name="withLines"/> asks for them; a chunk read without its entries section yields timestamps alone.
    /// </summary>
    public static IEnumerable<LogEntry> Entries(StoredChunk chunk, long fromNs, long toNs, bool forward, HeadLineFilter? filter = null, bool withLines = true)
    {
        if (chunk.Entries is null)
        {
            if (filter is not null)
            {
                throw new InvalidOperationException("a line filter needs the chunk's entries");
            }

            var times = OpenedChunk.ReadTimestamps(chunk.Codec, chunk.Timestamps);
            for (var k = 0; k < times.Length; k++)
            {
                var ts = times[forward ? k : times.Length - 1 - k];
                if (ts >= fromNs && ts < toNs)
                {
                    yield return new LogEntry(ts, "");
                }
            }

            yield break;
        }

        using var opened = OpenedChunk.Open(chunk.Codec, chunk.Timestamps, chunk.Entries);
        foreach (var i in Passing(opened, fromNs, toNs, forward, filter))
        {
            yield return withLines ? opened.Entry(i) : new LogEntry(opened.Timestamp(i), "");
        }
    }

    /// <summary>
    /// The same entries with their lines left as UTF-8, for a reader that works on bytes: each line is a slice of the
    /// chunk's decompressed buffer, which is the collector's and so outlives the chunk's reading.
    /// </summary>
    public static IEnumerable<Utf8Entry> Utf8Entries(StoredChunk chunk, long fromNs, long toNs, bool forward, HeadLineFilter? filter = null)
    {
        using var opened = OpenedChunk.Open(chunk.Codec, chunk.Timestamps, chunk.Entries ?? throw new InvalidOperationException("lines need the chunk's entries"), handsOutLines: true);
        foreach (var i in Passing(opened, fromNs, toNs, forward, filter))
        {
            yield return opened.Utf8Entry(i);
        }
    }

    /// <summary>The positions of an opened chunk's entries in the range that pass the filter, in the direction asked.</summary>
    private static IEnumerable<int> Passing(OpenedChunk opened, long fromNs, long toNs, bool forward, HeadLineFilter? filter)
    {
        for (var k = 0; k < opened.Count; k++)
        {
            var i = forward ? k : opened.Count - 1 - k;
            var ts = opened.Timestamp(i);
            if (ts >= fromNs && ts < toNs && (filter is null || filter.Passes(opened.Line(i))))
            {
                yield return i;
            }
        }
    }
}
