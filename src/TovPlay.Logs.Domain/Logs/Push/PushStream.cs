namespace TovPlay.Logs.Domain.Logs.Push;

/// <summary>One stream of a push request: its labels and the entries to append, as the client sent them.</summary>
public sealed record PushStream(LabelSet Labels, IReadOnlyList<LogEntry> Entries);
