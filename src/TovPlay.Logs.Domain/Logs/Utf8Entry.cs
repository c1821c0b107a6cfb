using System.Text;

namespace TovPlay.Logs.Domain.Logs;

/// <summary>
/// A <see cref="LogEntry"/> whose line is still the UTF-8 a store keeps it in: a reader that works on the bytes
/// spares decoding and allocating a string for every line it only looks into, and a push is written without one.
/// </summary>
public readonly record struct Utf8Entry(long TimestampNs, ReadOnlyMemory<byte> Line, LabelSet? Metadata) : ITimestamped
{
    public static Utf8Entry Of(LogEntry entry) => new(entry.TimestampNs, Encoding.UTF8.GetBytes(entry.Line), entry.Metadata);

    public LogEntry Decode() => new(TimestampNs, Encoding.UTF8.GetString(Line.Span), Metadata);
}
