using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>A Serilog sink the app picks up from its services, so tests can read the events it writes.</summary>
public sealed class CapturingSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    public static string? Scalar(LogEvent e, string property) =>
        e.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: var v } ? v?.ToString() : null;
}
