using System.Text;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.PostgresLog;
using TovPlay.Logs.Domain.Sandbox;

namespace TovPlay.Logs.Web.Sandbox;

/// <summary>
/// Ships PostgreSQL's own log of the sandbox's database, as promtail would ship a production server's: the cluster's
/// log file is followed from where it ended when the app started, the sandbox database's entries (connections,
/// disconnections, DDL, errors) go to the log store as <c>job="postgres"</c>. A file that shrank (rotated) is read
/// again from its start.
/// </summary>
public sealed class ServerLogShipper(IOptions<SandboxOptions> options, SandboxActivation activation, SandboxLog log, TimeProvider time, ILogger<ServerLogShipper> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    /// <summary>The most read in one round, so a huge file is caught up in steps.</summary>
    private const int MaxRead = 4 * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!activation.Active || options.Value.ServerLogFile is not { Length: > 0 } path)
        {
            return;
        }

        // From where the file ends now: the sandbox's own connections at start are after it.
        long offset = File.Exists(path) ? new FileInfo(path).Length : 0;
        var pending = "";
        ServerLogEntry? open = null;
        var filter = new ServerLogFilter(options.Value.Database);
        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(s_poll, time, stoppingToken);
            try
            {
                var (text, next) = await ReadAsync(path, offset, stoppingToken);
                offset = next;
                warned = false;
                var lines = (pending + text).Split('\n');
                pending = lines[^1];
                var entries = new List<ServerLogEntry>();
                foreach (var line in lines[..^1])
                {
                    if (ServerLogEntry.TryParse(line) is { } entry)
                    {
                        if (open is not null)
                        {
                            entries.AddRange(filter.Accept(open));
                        }

                        open = entry;
                    }
                    else if (open is not null && line.StartsWith('\t'))
                    {
                        open = open.Continued(line);
                    }
                }

                // The last entry may still get continuation lines; it goes once a quiet round has passed.
                if (text.Length == 0 && open is not null)
                {
                    entries.AddRange(filter.Accept(open));
                    open = null;
                }

                if (entries.Count > 0)
                {
                    await log.WriteAsync(entries.Select(e => new SandboxLine(e.At ?? time.GetUtcNow(), "postgres", "postgres", e.Level, e.Text)), stoppingToken);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LogSources.LinesRefusedException or HttpRequestException or LogStore.LogStoreUnavailableException)
            {
                if (!warned)
                {
                    logger.LogWarning("PostgreSQL's log {Path} could not be shipped (retried every second): {Error}", path, ex.Message);
                    warned = true;
                }
            }
        }
    }

    private static async Task<(string Text, long Offset)> ReadAsync(string path, long offset, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < offset)
        {
            offset = 0;
        }

        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[(int)Math.Min(MaxRead, stream.Length - offset)];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        // Whole characters only: a UTF-8 sequence cut at the end waits for the next round.
        var end = read;
        while (end > 0 && (buffer[end - 1] & 0xC0) == 0x80)
        {
            end--;
        }

        if (end > 0 && buffer[end - 1] >= 0xC0)
        {
            end--;
        }

        return (Encoding.UTF8.GetString(buffer, 0, end), offset + end);
    }
}
