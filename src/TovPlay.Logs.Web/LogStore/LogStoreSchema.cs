using Npgsql;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// The store's tables, created idempotently in their own schema, so the store can live in the app database or in a
/// database of its own (which EF migrations would not reach).
/// <list type="bullet">
/// <item><c>streams</c>: one row per label set; queries resolve a selector against all of them in memory, since
/// labels are low-cardinality by contract.</item>
/// <item><c>entries</c>: partitioned by day on the timestamp, so retention drops whole partitions instead of
/// deleting rows. The one index, (stream_id, ts), serves every read: a query is a selector (a set of stream ids) and a
/// time range, read in time order per stream. Line filters run as <c>strpos</c> on the rows that index range yields; a
/// trigram index would make ingestion several times slower for a gain only on rare needles, measured in the
/// benchmarks.</item>
/// <item><c>stream_days</c>: which stream has entries on which day, so label and series lookups over a time range
/// touch no entries.</item>
/// </list>
/// </summary>
public static class LogStoreSchema
{
    public const string Name = "logstore";

    // An arbitrary constant: the advisory lock that serialises schema changes between replicas.
    private const long LockKey = 0x7470_6C6F_6773;

    private const string Ddl = """
        CREATE SCHEMA IF NOT EXISTS logstore;
        CREATE TABLE IF NOT EXISTS logstore.streams (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            labels text NOT NULL UNIQUE,
            fingerprint bigint NOT NULL,
            job text,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS logstore.entries (
            stream_id bigint NOT NULL,
            ts bigint NOT NULL,
            line text NOT NULL,
            metadata jsonb
        ) PARTITION BY RANGE (ts);
        CREATE INDEX IF NOT EXISTS entries_stream_ts ON logstore.entries (stream_id, ts);
        CREATE TABLE IF NOT EXISTS logstore.stream_days (
            stream_id bigint NOT NULL REFERENCES logstore.streams (id),
            day date NOT NULL,
            PRIMARY KEY (day, stream_id)
        );
        """;

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", LockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(Ddl, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
