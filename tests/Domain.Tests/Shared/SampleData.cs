using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Samples;

namespace TovPlay.Logs.Domain.Tests.Shared;

/// <summary>One generated TovPlay-like data set (one hour, about 30,000 lines), shared by the tests that read it.</summary>
public static class SampleData
{
    private static readonly Lazy<IReadOnlyList<LogStream>> s_streams = new(() => SampleDataSet.Generate(Options));

    public static SampleDataOptions Options { get; } = new();

    public static IReadOnlyList<LogStream> Streams => s_streams.Value;

    public static ILogStreamSource Source => new InMemoryLogSource(Streams);

    public static long StartNs => Options.Start.ToUnixTimeMilliseconds() * 1_000_000;

    public static long EndNs => StartNs + (long)(Options.Duration.TotalMilliseconds * 1_000_000);

    public static IEnumerable<(LabelSet Labels, LogEntry Entry)> Lines(string job) =>
        Streams.Where(s => s.Labels["job"] == job).SelectMany(s => s.Entries.Select(e => (s.Labels, e)));
}
