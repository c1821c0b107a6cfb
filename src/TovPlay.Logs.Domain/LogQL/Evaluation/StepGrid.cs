namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>The evaluation timestamps of a metric query: start, start+step, ... up to end (an instant query has one).</summary>
public readonly record struct StepGrid(long StartNs, long EndNs, long StepNs)
{
    public int Count => (int)((EndNs - StartNs) / StepNs) + 1;

    public long At(int index) => StartNs + (index * StepNs);

    public static StepGrid Instant(long timeNs) => new(timeNs, timeNs, 1);

    /// <summary>
    /// A range query's grid as Loki evaluates it: start rounded down and end rounded up to multiples of the step since
    /// the epoch, so the same data gives the same points whatever start a client sends (logcli and scripts send
    /// arbitrary ones) and a chart's buckets line up with round times.
    /// </summary>
    public static StepGrid Range(long startNs, long endNs, long stepNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepNs);
        ArgumentOutOfRangeException.ThrowIfLessThan(endNs, startNs);
        var start = startNs - Mod(startNs, stepNs);
        var end = Mod(endNs, stepNs) == 0 ? endNs : endNs + (stepNs - Mod(endNs, stepNs));
        return new StepGrid(start, end, stepNs);
    }

    private static long Mod(long value, long step) => ((value % step) + step) % step;
}
