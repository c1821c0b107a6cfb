using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Sandbox;

/// <summary>Ships the sandbox's lines to the log store the app reads (embedded or Loki), grouped into streams by their labels.</summary>
public sealed class SandboxLog(ILogSink sink, SandboxState state)
{
    /// <summary>Lines per write: a backfill goes in pieces, oldest first, so each stream's order holds.</summary>
    public const int LinesPerWrite = 2000;

    public async Task WriteAsync(IEnumerable<SandboxLine> lines, CancellationToken cancellationToken)
    {
        foreach (var chunk in lines.OrderBy(l => l.At).Chunk(LinesPerWrite))
        {
            await sink.WriteAsync(PushStream.Group(chunk, l => l.Labels, l => new LogEntry(l.TimestampNs, l.Line)), cancellationToken);
            state.Count(0, chunk.Length);
        }
    }
}
