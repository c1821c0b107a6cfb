namespace TovPlay.Logs.Domain.Logs;

/// <summary>A stream: its labels and its entries, oldest first.</summary>
public sealed record LogStream(LabelSet Labels, IReadOnlyList<LogEntry> Entries);
