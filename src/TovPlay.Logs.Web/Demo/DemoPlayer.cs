using System.Globalization;
using System.Net.Http.Json;
using Npgsql;
using TovPlay.Logs.Domain.Demo;

namespace TovPlay.Logs.Web.Demo;

/// <summary>When an incident was played: its history's start, the moment its statements ran, and their backend pids.</summary>
public sealed record DemoPlayback(DateTimeOffset HistoryStart, DateTimeOffset IncidentAt, IReadOnlyList<int> BackendPids);

/// <summary>
/// Plays a demo incident through the real paths: its lines through the Loki push API (as the services' shippers do)
/// and its statements over ordinary database connections (the backend's, or a direct one), so the audit triggers,
/// the log store and the investigation see exactly what production would give them.
/// </summary>
public sealed class DemoPlayer(HttpClient push, Func<DemoConnection, CancellationToken, Task<NpgsqlConnection>> open, TimeProvider time)
{
    private const int LinesPerPush = 1000;

    public async Task<DemoPlayback> PlayAsync(DemoIncident incident, CancellationToken cancellationToken)
    {
        foreach (var statement in incident.Seed)
        {
            await RunAsync(statement, cancellationToken);
        }

        var start = time.GetUtcNow();
        await PushAsync(incident.History, start, [], cancellationToken);
        var pids = new List<int>();
        foreach (var statement in incident.Statements)
        {
            pids.Add(await RunAsync(statement, cancellationToken));
        }

        var at = time.GetUtcNow();
        await PushAsync(incident.Aftermath, at, pids, cancellationToken);
        return new DemoPlayback(incident.History.Count == 0 ? start : start + incident.History.Min(l => l.Offset), at, pids);
    }

    private async Task<int> RunAsync(DemoStatement statement, CancellationToken cancellationToken)
    {
        await using var connection = await open(statement.Connection, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var pid = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        command.CommandText = statement.Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        return pid;
    }

    private async Task PushAsync(IReadOnlyList<DemoLine> lines, DateTimeOffset moment, IReadOnlyList<int> pids, CancellationToken cancellationToken)
    {
        var pid = pids.Count > 0 ? pids[^1].ToString(CultureInfo.InvariantCulture) : "0";
        var stamped = lines.Select(l => (Line: l, At: moment + l.Offset)).OrderBy(l => l.At).ToList();
        foreach (var chunk in stamped.Chunk(LinesPerPush))
        {
            var body = new
            {
                streams = chunk.GroupBy(l => (l.Line.Job, l.Line.Level)).Select(g => new
                {
                    stream = new Dictionary<string, string> { ["job"] = g.Key.Job, ["level"] = g.Key.Level, ["env"] = "prod" },
                    values = g.Select(l => new[]
                    {
                        ((l.At - DateTimeOffset.UnixEpoch).Ticks * 100).ToString(CultureInfo.InvariantCulture),
                        DemoTraffic.Stamped(l.Line, l.At).Replace("{pid}", pid, StringComparison.Ordinal),
                    }).ToArray(),
                }).ToArray(),
            };
            using var response = await push.PostAsJsonAsync("push", body, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"The push API refused the demo's lines: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }
    }
}
