namespace TovPlay.Logs.Web.Status;

/// <summary>
/// The <c>status</c> verb: every source the app reads, checked now, one line each (state, source, what was seen, what
/// to do); exit 1 when any fails, so a deployment or a cron job can stop on it. A source that is only quiet or not
/// set up is reported but does not fail the check: the app works without it.
/// </summary>
public static class StatusCli
{
    public const string Verb = "status";

    public static readonly string Usage = "       TovPlay.Logs.Web status";

    public static async Task<int> RunAsync(SourceChecks checks, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length > 0)
        {
            await stderr.WriteLineAsync($"error: unexpected argument '{args[0]}': status takes none.");
            return 2;
        }

        var all = await checks.SourcesAsync(cancellationToken);
        foreach (var check in all)
        {
            await stdout.WriteLineAsync($"{Label(check.State),-14} {check.Source}: {check.Summary}");
            foreach (var detail in check.Details)
            {
                await stdout.WriteLineAsync($"{"",-14}   {detail}");
            }

            if (check.State != SourceState.Ok && check.Fix is { } fix)
            {
                await stdout.WriteLineAsync($"{"",-14}   fix: {fix}");
            }
        }

        var failing = all.Count(c => c.State == SourceState.Failing);
        await stdout.WriteLineAsync(failing == 0 ? $"All {all.Count} source(s) answer." : $"{failing} of {all.Count} source(s) failing.");
        return failing == 0 ? 0 : 1;
    }

    private static string Label(SourceState state) => state switch
    {
        SourceState.Ok => "ok",
        SourceState.Quiet => "quiet",
        SourceState.NotConfigured => "not set up",
        _ => "FAILING",
    };
}
