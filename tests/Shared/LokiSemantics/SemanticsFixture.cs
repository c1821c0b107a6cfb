using System.Text.Json;

namespace TovPlay.Logs.Tests.LokiSemantics;

/// <summary>The recorded data set and the cases asked over it (tests/Fixtures/loki-2.8.0-semantics).</summary>
public static class SemanticsFixture
{
    public const string RecordedRun = "sem1796333793";

    private const long Day = 86_400_000_000_000;

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures", "loki-2.8.0-semantics");

    private static readonly Lazy<IReadOnlyList<SemanticsCase>> s_cases = new(() =>
        [.. File.ReadLines(Path.Combine(Directory, "cases.jsonl")).Where(l => l.Length > 0).Select(SemanticsCase.Read)]);

    private static readonly Lazy<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(long Ts, string Line)> Entries)>> s_streams = new(ReadStreams);

    public static IReadOnlyList<SemanticsCase> Cases => s_cases.Value;

    public static IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(long Ts, string Line)> Entries)> Streams => s_streams.Value;

    public static string PushBody => File.ReadAllText(Path.Combine(Directory, "data.json"));

    public static SemanticsCase Case(string id) => Cases.Single(c => c.Id == id);

    /// <summary>
    /// Moves the data by whole days to end within the last day before <paramref name="nowNs"/>, under a run value of
    /// the recorded one's length that no earlier push used.
    /// </summary>
    public static SemanticsShift ShiftFor(long nowNs)
    {
        var last = Streams.SelectMany(s => s.Entries).Max(e => e.Ts);
        var days = Math.Max(0, (nowNs - last) / Day);
        var run = "sem" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new SemanticsShift(days * Day, run);
    }

    /// <summary>The push body with every timestamp and run label moved.</summary>
    public static string ShiftedPushBody(SemanticsShift shift)
    {
        var streams = Streams.Select(s => new
        {
            stream = s.Labels.ToDictionary(l => l.Key, l => shift.Relabel(l.Value)),
            values = s.Entries.Select(e => new[] { (e.Ts + shift.Ns).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Line }).ToArray(),
        });
        return JsonSerializer.Serialize(new { streams });
    }

    private static IReadOnlyList<(IReadOnlyDictionary<string, string>, IReadOnlyList<(long, string)>)> ReadStreams()
    {
        using var document = JsonDocument.Parse(PushBody);
        return
        [
            .. document.RootElement.GetProperty("streams").EnumerateArray().Select(s => (
                (IReadOnlyDictionary<string, string>)s.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                (IReadOnlyList<(long, string)>)[.. s.GetProperty("values").EnumerateArray().Select(v => (long.Parse(v[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), v[1].GetString()!)).OrderBy(e => e.Item1)])),
        ];
    }
}
