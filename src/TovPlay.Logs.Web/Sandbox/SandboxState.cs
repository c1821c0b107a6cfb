namespace TovPlay.Logs.Web.Sandbox;

public enum SandboxPhase
{
    /// <summary>Not configured to run, or not allowed to (see the reason).</summary>
    Off,
    Preparing,
    Backfilling,
    Live,

    /// <summary>Preparing failed; retried until it works (see the reason).</summary>
    Failed,
}

/// <summary>An incident played into the sandbox: what, when, where to investigate it, and what really happened.</summary>
public sealed record PlayedIncident(string Slug, string Title, DateTimeOffset PlayedAt, string By, string Link, string Story);

/// <summary>What the sandbox is doing, for the layout's chip, the Sandbox page and the status checks.</summary>
public sealed class SandboxState(SandboxActivation activation)
{
    private readonly Lock _lock = new();
    private readonly List<PlayedIncident> _played = [];

    public SandboxPhase Phase { get; private set; } = SandboxPhase.Off;

    public string Reason { get; private set; } = activation.Active ? "Starting." : activation.Reason;

    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When the backfilled history was in the store, and how long that took from the start.</summary>
    public DateTimeOffset? HistoryReadyAt { get; private set; }

    public TimeSpan? HistoryTook => HistoryReadyAt - StartedAt;

    public long Requests { get; private set; }

    public long Lines { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>True once the sandbox database exists and is audited (incidents can be played).</summary>
    public bool Ready => Phase is SandboxPhase.Backfilling or SandboxPhase.Live;

    /// <summary>Whether this app runs a sandbox at all (even when it is still preparing or failed).</summary>
    public bool Active => activation.Active;

    public event Action? Changed;

    public IReadOnlyList<PlayedIncident> Played
    {
        get
        {
            lock (_lock)
            {
                return [.. _played];
            }
        }
    }

    public void Set(SandboxPhase phase, string reason, DateTimeOffset now)
    {
        lock (_lock)
        {
            Phase = phase;
            Reason = reason;
            StartedAt ??= phase == SandboxPhase.Preparing ? now : null;
            if (phase == SandboxPhase.Live)
            {
                HistoryReadyAt ??= now;
            }
        }

        Changed?.Invoke();
    }

    public void Count(int requests, int lines)
    {
        lock (_lock)
        {
            Requests += requests;
            Lines += lines;
        }
    }

    /// <summary>Records the last failure (null: the last attempt worked); pages hear of it only when it changes.</summary>
    public void Fail(string? error)
    {
        lock (_lock)
        {
            if (LastError == error)
            {
                return;
            }

            LastError = error;
        }

        Changed?.Invoke();
    }

    public void Add(PlayedIncident played)
    {
        lock (_lock)
        {
            _played.Insert(0, played);
        }

        Changed?.Invoke();
    }
}
