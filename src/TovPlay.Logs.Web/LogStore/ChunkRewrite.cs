using Npgsql;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>Rewriting chunks of one stream: compaction merging them, retention cutting the old part off one.</summary>
public static class ChunkRewrite
{
    /// <summary>
    /// The entries of <paramref name="chunks"/> at or after <paramref name="keepFromNs"/>, in time order, exact
    /// duplicates (same time and line) once, cut into new chunks. Lines stay UTF-8 throughout.
    /// </summary>
    public static List<EncodedChunk> Merge(IReadOnlyList<StoredChunk> chunks, long keepFromNs, int targetLineBytes, int level)
    {
        var opened = new List<OpenedChunk>(chunks.Count);
        try
        {
            foreach (var chunk in chunks.OrderBy(c => c.MinTs).ThenBy(c => c.Id))
            {
                opened.Add(OpenedChunk.Open(chunk.Codec, chunk.Timestamps, chunk.Entries ?? throw new InvalidOperationException("rewriting needs the chunk's entries")));
            }

            var result = new List<EncodedChunk>();
            using var cutter = new ChunkCutter(targetLineBytes, ChunkCodec.Zstd, level);
            var positions = ChunkMerge.Merge(
                opened,
                o => o.Count == 0 ? (long.MaxValue, long.MaxValue) : (o.Timestamp(0), o.Timestamp(o.Count - 1)),
                o => Enumerable.Range(0, o.Count).Select(i => (Chunk: o, Index: i)),
                p => p.Chunk.Timestamp(p.Index),
                forward: true);
            var tiedTs = long.MinValue;
            var linesAtTs = new List<(OpenedChunk Chunk, int Index)>();
            foreach (var (chunk, index) in positions)
            {
                var ts = chunk.Timestamp(index);
                if (ts < keepFromNs)
                {
                    continue;
                }

                if (ts != tiedTs)
                {
                    tiedTs = ts;
                    linesAtTs.Clear();
                }
                else if (linesAtTs.Any(p => p.Chunk.Line(p.Index).SequenceEqual(chunk.Line(index))))
                {
                    continue;
                }

                linesAtTs.Add((chunk, index));
                if (cutter.Add(ts, chunk.Line(index), chunk.Metadata(index)) is { } full)
                {
                    result.Add(full);
                }
            }

            if (cutter.Flush() is { } last)
            {
                result.Add(last);
            }

            return result;
        }
        finally
        {
            foreach (var chunk in opened)
            {
                chunk.Dispose();
            }
        }
    }

    public static async Task DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long streamId, IEnumerable<StoredChunk> chunks, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand("DELETE FROM logstore.chunks WHERE stream_id = @stream AND id = ANY(@ids)", connection, transaction);
        delete.Parameters.AddWithValue("stream", streamId);
        delete.Parameters.AddWithValue("ids", chunks.Select(c => c.Id).ToArray());
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }
}
