namespace TovPlay.Logs.Domain.Logs.Samples;

/// <summary>How much TovPlay-like data to make. The same options and seed always give the same data.</summary>
public sealed record SampleDataOptions
{
    public DateTimeOffset Start { get; init; } = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Backend request lines (JSON). The other streams scale with it.</summary>
    public int BackendLines { get; init; } = 20_000;

    public int Seed { get; init; } = 20261126;

    /// <summary>
    /// Leave out of backend lines the fields that repeat stream labels (service, env) and the trace id, as a backend
    /// without tracing logs: about 300 bytes a line instead of about 380.
    /// </summary>
    public bool LeanBackendLines { get; init; }

    /// <summary>When the "users table wiped" incident happens, as a fraction of the duration.</summary>
    public double IncidentAt { get; init; } = 0.6;
}
