using System.Globalization;
using System.Text.Json;

namespace TovPlay.Logs.Tests.LokiSemantics;

/// <summary>
/// One question asked of a real Loki 2.8.0 and its answer, from <c>loki-2.8.0-semantics/cases.jsonl</c>: the endpoint,
/// the exact parameters sent (times in nanoseconds, step in seconds) and the status and body Loki gave.
/// </summary>
public sealed record SemanticsCase(string Id, string Endpoint, IReadOnlyList<KeyValuePair<string, string>> Parameters, int Status, JsonElement Body)
{
    public string? this[string name] => Parameters.FirstOrDefault(p => p.Key == name).Value;

    public string Query => this["query"] ?? "";

    public bool IsRange => Endpoint.EndsWith("/query_range", StringComparison.Ordinal);

    public bool IsInstant => Endpoint.EndsWith("/query", StringComparison.Ordinal);

    public bool IsSeries => Endpoint.EndsWith("/series", StringComparison.Ordinal);

    public long Nanoseconds(string name) => long.Parse(this[name]!, CultureInfo.InvariantCulture);

    public long? StepNs => this["step"] is { } step ? (long)(decimal.Parse(step, CultureInfo.InvariantCulture) * 1_000_000_000m) : null;

    /// <summary>The same question about data shifted by <paramref name="shift"/> and labelled with another run.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ParametersFor(SemanticsShift shift) =>
    [
        .. Parameters.Select(p => p.Key switch
        {
            "start" or "end" or "time" => new KeyValuePair<string, string>(p.Key, (long.Parse(p.Value, CultureInfo.InvariantCulture) + shift.Ns).ToString(CultureInfo.InvariantCulture)),
            _ => new KeyValuePair<string, string>(p.Key, shift.Relabel(p.Value)),
        }),
    ];

    /// <summary>Loki's answer in the comparable form.</summary>
    public Answer Expected => Answer.FromLoki(Status, Body.ValueKind == JsonValueKind.String ? Body.GetString()! : Body.GetRawText(), SemanticsShift.None);

    internal static SemanticsCase Read(string line)
    {
        var root = JsonDocument.Parse(line).RootElement;
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var p in root.GetProperty("params").EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Array)
            {
                parameters.AddRange(p.Value.EnumerateArray().Select(v => new KeyValuePair<string, string>(p.Name, v.GetString()!)));
            }
            else
            {
                parameters.Add(new KeyValuePair<string, string>(p.Name, p.Value.GetString()!));
            }
        }

        return new SemanticsCase(root.GetProperty("id").GetString()!, root.GetProperty("endpoint").GetString()!, parameters, root.GetProperty("status").GetInt32(), root.GetProperty("body").Clone());
    }

    public override string ToString() => Id;
}

/// <summary>
/// How the recorded data set is moved to be recent (whole days, so the step grid stays the same) and kept apart from
/// earlier runs (another value of the <c>run</c> label, same length).
/// </summary>
public sealed record SemanticsShift(long Ns, string Run)
{
    public static SemanticsShift None { get; } = new(0, SemanticsFixture.RecordedRun);

    public string Relabel(string text) => text.Replace(SemanticsFixture.RecordedRun, Run, StringComparison.Ordinal);

    public string Unlabel(string text) => text.Replace(Run, SemanticsFixture.RecordedRun, StringComparison.Ordinal);
}
