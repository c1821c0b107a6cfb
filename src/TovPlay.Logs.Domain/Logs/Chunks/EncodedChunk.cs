namespace TovPlay.Logs.Domain.Logs.Chunks;

/// <summary>
/// A stream's entries between two times, compressed: what one row of the store holds. The summary (times, count,
/// line bytes) lets a reader skip the chunk without opening it.
/// </summary>
public sealed record EncodedChunk(long MinTs, long MaxTs, int Count, long LineBytes, ChunkCodec Codec, byte[] Timestamps, byte[] Entries)
{
    public long StoredBytes => Timestamps.Length + Entries.Length;
}
