namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>The evaluation timestamps of a metric query: start, start+step, ... up to end (an instant query has one).</summary>
public readonly record struct StepGrid(long StartNs, long EndNs, long StepNs)
{
    public int Count => (int)((EndNs - StartNs) / StepNs) + 1;

    public long At(int index) => StartNs + (index * StepNs);

    public static StepGrid Instant(long timeNs) => new(timeNs, timeNs, 1);

    public static StepGrid Range(long startNs, long endNs, long stepNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepNs);
        ArgumentOutOfRangeException.ThrowIfLessThan(endNs, startNs);
        return new StepGrid(startNs, endNs, stepNs);
    }
}
