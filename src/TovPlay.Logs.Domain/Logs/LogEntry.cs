namespace TovPlay.Logs.Domain.Logs;

/// <summary>One log line of a stream, with its timestamp in Unix nanoseconds and optional structured metadata.</summary>
public readonly record struct LogEntry(long TimestampNs, string Line, LabelSet? Metadata = null) : ITimestamped;
