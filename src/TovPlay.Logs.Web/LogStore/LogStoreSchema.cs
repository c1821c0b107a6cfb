using Npgsql;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// The store's tables, created idempotently in their own schema, so the store can live in the app database or in a
/// database of its own (which EF migrations would not reach).
/// <list type="bullet">
/// <item><c>streams</c>: one row per label set; queries resolve a selector against all of them in memory, since
/// labels are low-cardinality by contract.</item>
/// <item><c>chunks</c>: a stream's entries between two times, compressed (docs/LogStore.md has the format),
/// partitioned by day on the chunk's first time, so retention drops whole partitions. A chunk never crosses midnight
/// and spans at most <see cref="Domain.Logs.Chunks.ChunkCutter.MaxSpanNs"/>, so a time range is found through
/// (stream_id, min_ts) reading forward and (stream_id, max_ts) reading backward. Pushes write chunks at once,
/// compressed fast (<c>compacted</c> false); compaction rewrites them into large ones, compressed harder.</item>
/// <item><c>stream_days</c>: which stream has entries on which day, so label and series lookups over a time range
/// touch no chunks.</item>
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
        CREATE SEQUENCE IF NOT EXISTS logstore.chunk_ids;
        CREATE TABLE IF NOT EXISTS logstore.chunks (
            stream_id bigint NOT NULL,
            min_ts bigint NOT NULL,
            max_ts bigint NOT NULL,
            id bigint NOT NULL DEFAULT nextval('logstore.chunk_ids'),
            lines integer NOT NULL,
            line_bytes bigint NOT NULL,
            codec smallint NOT NULL,
            compacted boolean NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            timestamps bytea NOT NULL,
            entries bytea NOT NULL
        ) PARTITION BY RANGE (min_ts);
        -- Already compressed: PostgreSQL's own compression would spend time for nothing.
        ALTER TABLE logstore.chunks ALTER COLUMN timestamps SET STORAGE EXTERNAL, ALTER COLUMN entries SET STORAGE EXTERNAL;
        CREATE INDEX IF NOT EXISTS chunks_stream_min_ts ON logstore.chunks (stream_id, min_ts);
        CREATE INDEX IF NOT EXISTS chunks_stream_max_ts ON logstore.chunks (stream_id, max_ts);
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
