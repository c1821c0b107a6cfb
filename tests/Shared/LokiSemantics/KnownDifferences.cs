namespace TovPlay.Logs.Tests.LokiSemantics;

/// <summary>
/// The reviewed list of cases where the embedded store deliberately answers otherwise than Loki 2.8.0
/// (<c>known-differences.md</c> beside this file): one <c>- `case-id`: reason</c> line each. A case on the list must
/// still differ, so a fixed one is taken off rather than left to hide a later regression.
/// </summary>
public static class KnownDifferences
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> s_reasons = new(() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "LokiSemantics", "known-differences.md"))
            .Where(l => l.StartsWith("- `", StringComparison.Ordinal))
            .Select(l => (Id: l[3..l.IndexOf('`', 3)], Reason: l[(l.IndexOf('`', 3) + 2)..].Trim()))
            .ToDictionary(e => e.Id, e => e.Reason));

    public static IReadOnlyDictionary<string, string> Reasons => s_reasons.Value;

    /// <summary>Fails when an agreeing case is on the list or a case off the list differs.</summary>
    public static void Check(SemanticsCase @case, Answer ours)
    {
        var difference = ours.DifferenceFrom(@case.Expected);
        if (Reasons.TryGetValue(@case.Id, out var reason))
        {
            if (difference is null)
            {
                throw new Xunit.Sdk.XunitException($"{@case.Id} now agrees with Loki: take it off known-differences.md (it said: {reason})");
            }
        }
        else if (difference is not null)
        {
            throw new Xunit.Sdk.XunitException($"{@case.Id}: {@case.Query}\n{difference}");
        }
    }
}
