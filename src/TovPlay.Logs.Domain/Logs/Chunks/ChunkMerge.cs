namespace TovPlay.Logs.Domain.Logs.Chunks;

/// <summary>
/// Reads a stream's chunks as one sequence in time order, though chunks may overlap (a late entry lands in a chunk of
/// its own; compaction rewrites only the small ones). A chunk is opened only when the sequence reaches its start, so a
/// read that stops early (a limit) opens no more chunks than it needs.
/// </summary>
public static class ChunkMerge
{
    /// <param name="chunks">
    /// Forward: ordered by their first time. Backward: by their last time, newest first.
    /// </param>
    /// <param name="open">A chunk's entries in the direction read.</param>
    public static IEnumerable<T> Merge<TChunk, T>(
        IEnumerable<TChunk> chunks, Func<TChunk, (long MinTs, long MaxTs)> span, Func<TChunk, IEnumerable<T>> open, Func<T, long> timestamp, bool forward)
    {
        // Ties go to the chunk opened first: entries of one time keep the order they were stored in.
        var heap = new PriorityQueue<IEnumerator<T>, (long Key, long Order)>();
        var opened = 0L;
        using var pending = chunks.GetEnumerator();
        var hasPending = pending.MoveNext();
        try
        {
            while (true)
            {
                // Open every chunk that may hold an entry before the next one the heap would give.
                while (hasPending && (heap.Count == 0 || Reaches(span(pending.Current), heap, forward)))
                {
                    var entries = open(pending.Current).GetEnumerator();
                    if (entries.MoveNext())
                    {
                        heap.Enqueue(entries, (Key(timestamp(entries.Current), forward), opened++));
                    }
                    else
                    {
                        entries.Dispose();
                    }

                    hasPending = pending.MoveNext();
                }

                if (!heap.TryDequeue(out var next, out var priority))
                {
                    yield break;
                }

                yield return next.Current;
                if (next.MoveNext())
                {
                    heap.Enqueue(next, (Key(timestamp(next.Current), forward), priority.Order));
                }
                else
                {
                    next.Dispose();
                }
            }
        }
        finally
        {
            while (heap.TryDequeue(out var left, out _))
            {
                left.Dispose();
            }
        }
    }

    private static bool Reaches<T>((long MinTs, long MaxTs) span, PriorityQueue<IEnumerator<T>, (long Key, long Order)> heap, bool forward)
    {
        heap.TryPeek(out _, out var head);
        return forward ? span.MinTs <= head.Key : -span.MaxTs <= head.Key;
    }

    // The heap gives its smallest key first: time itself forward, its negation backward.
    private static long Key(long ts, bool forward) => forward ? ts : -ts;
}
