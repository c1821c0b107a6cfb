using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// The daily partitions of <c>logstore.chunks</c>: created ahead of time by maintenance and on demand by the writer
/// (a late or early entry needs its day), dropped whole by retention.
/// </summary>
public sealed class Partitions(LogStoreDatabase database)
{
    private const long NsPerDay = 86_400_000_000_000;

    // Serialises partition DDL between replicas; a different key from the schema's.
    private const long LockKey = 0x7470_6C70_6172;

    private readonly ConcurrentDictionary<DateOnly, bool> _known = new();

    private static readonly int s_epochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    // In whole numbers: a double cannot tell the last nanosecond of a day from the next day.
    public static DateOnly DayOf(long ns) => DateOnly.FromDayNumber(s_epochDay + (int)ChunkCutter.DayOf(ns));

    public static long StartNs(DateOnly day) => (day.DayNumber - s_epochDay) * NsPerDay;

    public static string TableName(DateOnly day) => Prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private const string Prefix = "chunks_";

    public async Task EnsureAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var missing = days.Where(d => !_known.ContainsKey(d)).Distinct().Order().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        foreach (var day in missing)
        {
            // Identifiers cannot be parameters; the name is built from a date only, the bounds from numbers only.
            await Execute(connection, transaction,
                $"CREATE TABLE IF NOT EXISTS logstore.\"{TableName(day)}\" PARTITION OF logstore.chunks FOR VALUES FROM ({StartNs(day)}) TO ({StartNs(day.AddDays(1))})",
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var day in missing)
        {
            _known[day] = true;
        }
    }

    /// <summary>Forgets that these days' partitions exist: another instance's retention may have dropped them.</summary>
    public void Forget(IEnumerable<DateOnly> days)
    {
        foreach (var day in days)
        {
            _known.TryRemove(day, out _);
        }
    }

    public async Task<IReadOnlyList<DateOnly>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = 'logstore' AND p.relname = 'chunks'
            """, connection);
        var days = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (DateOnly.TryParseExact(reader.GetString(0).Replace(Prefix, "", StringComparison.Ordinal), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
        }

        days.Sort();
        return days;
    }

    /// <summary>Drops the partition of <paramref name="day"/> and forgets which streams had entries that day.</summary>
    public async Task DropAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        await Execute(connection, transaction, $"DROP TABLE IF EXISTS logstore.\"{TableName(day)}\"", cancellationToken);
        await using (var command = new NpgsqlCommand("DELETE FROM logstore.stream_days WHERE day = @day", connection, transaction))
        {
            command.Parameters.AddWithValue("day", day);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        _known.TryRemove(day, out _);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
