namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Puts a series' samples in time order. A series fed by several streams is their time-ordered runs appended one
/// after another, so merging the runs costs O(n log runs) where a general sort costs O(n log n); the merge is stable,
/// so samples of one instant keep the order of their streams and results do not change from run to run.
/// </summary>
internal static class SampleRuns
{
    public static void Sort(List<(long Ts, double Value)> samples)
    {
        var starts = RunStarts(samples);
        if (starts.Count <= 1)
        {
            return;
        }

        // The list's own array and one scratch array take turns as source and target of each round of merges.
        var own = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples);
        var scratch = new (long Ts, double Value)[own.Length];
        var intoScratch = true;
        while (starts.Count > 1)
        {
            var merged = new List<int>(starts.Count / 2 + 1);
            for (var r = 0; r < starts.Count; r += 2)
            {
                var lo = starts[r];
                var mid = r + 1 < starts.Count ? starts[r + 1] : own.Length;
                var hi = r + 2 < starts.Count ? starts[r + 2] : own.Length;
                if (intoScratch)
                {
                    Merge(own, lo, mid, hi, scratch);
                }
                else
                {
                    Merge(scratch, lo, mid, hi, own);
                }

                merged.Add(lo);
            }

            intoScratch = !intoScratch;
            starts = merged;
        }

        if (!intoScratch)
        {
            scratch.CopyTo(own);
        }
    }

    private static List<int> RunStarts(List<(long Ts, double Value)> samples)
    {
        var starts = new List<int> { 0 };
        for (var i = 1; i < samples.Count; i++)
        {
            if (samples[i].Ts < samples[i - 1].Ts)
            {
                starts.Add(i);
            }
        }

        return samples.Count == 0 ? [] : starts;
    }

    private static void Merge(ReadOnlySpan<(long Ts, double Value)> source, int lo, int mid, int hi, Span<(long Ts, double Value)> target)
    {
        int i = lo, j = mid, k = lo;
        while (i < mid && j < hi)
        {
            // "<=" takes the earlier run first on ties: what makes the merge stable.
            target[k++] = source[i].Ts <= source[j].Ts ? source[i++] : source[j++];
        }

        source[i..mid].CopyTo(target[k..]);
        k += mid - i;
        source[j..hi].CopyTo(target[k..]);
    }
}
