namespace TovPlay.Logs.Domain.Security;

/// <summary>
/// How long a sign-in must wait after failures in a row: nothing for the first few (people mistype), then a wait
/// that doubles with each further failure, up to a cap. A backoff instead of a lock: whoever holds the password is
/// only delayed, never shut out for good, so failing on purpose cannot lock someone else's account.
/// </summary>
public sealed record SignInBackoff(int FreeFailures, TimeSpan MaxWait)
{
    /// <summary>The wait after <paramref name="failures"/> failures in a row, counted from the last of them.</summary>
    public TimeSpan WaitAfter(int failures)
    {
        if (failures < FreeFailures)
        {
            return TimeSpan.Zero;
        }

        // 1 s after the free ones, then 2, 4, 8 …; the exponent is capped before it can overflow.
        var exponent = Math.Min(failures - FreeFailures, 30);
        var seconds = Math.Pow(2, exponent);
        return seconds >= MaxWait.TotalSeconds ? MaxWait : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>How long a tally of failures is kept after its last failure: past the longest wait, it no longer matters.</summary>
    public TimeSpan Memory => MaxWait + MaxWait;
}
