using System.Diagnostics.Metrics;

namespace TovPlay.Logs.Web.Ingest;

/// <summary>What the browsers' endpoint took and refused (meter <c>TovPlay.Logs.Ingest</c>), to see a flood or a broken client.</summary>
public sealed class FrontendIngestMetrics : IDisposable
{
    public const string MeterName = "TovPlay.Logs.Ingest";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _batches;
    private readonly Counter<long> _entries;
    private readonly Counter<long> _redactions;

    public FrontendIngestMetrics()
    {
        _batches = _meter.CreateCounter<long>("tovplay_frontend_batches_total", description: "Browser log batches, by outcome.");
        _entries = _meter.CreateCounter<long>("tovplay_frontend_entries_total", description: "Browser log entries stored.");
        _redactions = _meter.CreateCounter<long>("tovplay_frontend_redactions_total", description: "Secrets taken out of browser lines before storage.");
    }

    public void Refused(string reason) => _batches.Add(1, new KeyValuePair<string, object?>("outcome", reason));

    public void Stored(int entries, int redactions)
    {
        _batches.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
        _entries.Add(entries);
        _redactions.Add(redactions);
    }

    public void Dispose() => _meter.Dispose();
}
