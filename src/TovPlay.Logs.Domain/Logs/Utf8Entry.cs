namespace TovPlay.Logs.Domain.Logs;

/// <summary>
/// A <see cref="LogEntry"/> whose line is still the UTF-8 a store keeps it in: a reader that works on the bytes
/// spares decoding and allocating a string for every line it only looks into.
/// </summary>
public readonly record struct Utf8Entry(long TimestampNs, ReadOnlyMemory<byte> Line, LabelSet? Metadata);
