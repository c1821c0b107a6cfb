using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// Seals the trail in a hash chain (each statement with a digest of its rows), checkpointed in <c>seals</c>, and
/// verifies it: a statement or row edited, removed or inserted after sealing shows as a broken checkpoint.
/// </summary>
public sealed class AuditSeal(IOptions<AuditOptions> options)
{
    public const int MaxPerCheckpoint = 10_000;

    private AuditOptions Options => options.Value;

    private string Obj(string name) => SqlText.Qualified(Options.Schema, name);

    /// <summary>Seals the final statements after the last checkpoint; returns how many it sealed.</summary>
    public async Task<long> SealAsync(CancellationToken cancellationToken) => (await SealCheckpointAsync(cancellationToken))?.Count ?? 0;

    /// <summary>Seals the final statements after the last checkpoint; returns the new checkpoint, or null when there was nothing to seal (or no trail).</summary>
    public async Task<SealCheckpoint?> SealCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        // Not installed (yet): nothing to seal, and nothing wrong.
        if (!await AuditDatabase.ExistsAsync(connection, Obj("seals"), cancellationToken))
        {
            return null;
        }

        var last = (await CheckpointsAsync(connection, cancellationToken)).LastOrDefault();
        var after = last?.LastId ?? 0;
        long upTo;
        await using (var command = new NpgsqlCommand(
            $"SELECT max(id) FROM (SELECT id FROM {Obj("statements")} WHERE id > @after AND captured_at < {AuditSql.FinishedBefore} ORDER BY id LIMIT {MaxPerCheckpoint}) x", connection))
        {
            command.Parameters.AddWithValue("after", after);
            if (await command.ExecuteScalarAsync(cancellationToken) is not long max)
            {
                return null;
            }

            upTo = max;
        }

        var digests = await DigestsAsync(connection, after, upTo, cancellationToken);
        var previous = last?.Hash ?? HashChain.Genesis;
        var hash = HashChain.Extend(previous, digests);
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {Obj("seals")} (first_statement_id, last_statement_id, statement_count, previous_hash, hash) VALUES (@first, @last, @count, @previous, @hash) RETURNING id", connection);
        insert.Parameters.AddWithValue("first", digests[0].Id);
        insert.Parameters.AddWithValue("last", upTo);
        insert.Parameters.AddWithValue("count", (long)digests.Count);
        insert.Parameters.AddWithValue("previous", previous);
        insert.Parameters.AddWithValue("hash", hash);
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        return new SealCheckpoint(id, digests[0].Id, upTo, digests.Count, previous, hash);
    }

    /// <summary>Recomputes every checkpoint; each finding says whether it still holds and, if not, how it broke.</summary>
    public async Task<IReadOnlyList<SealFinding>> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        var findings = new List<SealFinding>();
        long after = 0;
        var expectedPrevious = HashChain.Genesis;
        var expiredUpTo = await ExpiredUpToAsync(connection, cancellationToken);
        foreach (var checkpoint in await CheckpointsAsync(connection, cancellationToken))
        {
            if (checkpoint.FirstId <= expiredUpTo)
            {
                // Past retention: not recomputable; the next checkpoint must still link to the hash it kept.
                findings.Add(new SealFinding(checkpoint, 0, HashMatches: false, Expired: true));
                after = checkpoint.LastId;
                expectedPrevious = checkpoint.Hash;
                continue;
            }

            var digests = await DigestsAsync(connection, after, checkpoint.LastId, cancellationToken);
            var hash = HashChain.Extend(checkpoint.PreviousHash, digests);
            // A removed or rewritten checkpoint breaks the link from the one before.
            var linked = checkpoint.PreviousHash.AsSpan().SequenceEqual(expectedPrevious);
            findings.Add(new SealFinding(checkpoint, digests.Count, linked && hash.AsSpan().SequenceEqual(checkpoint.Hash)));
            after = checkpoint.LastId;
            expectedPrevious = checkpoint.Hash;
        }

        return findings;
    }

    /// <summary>Checkpoints not yet copied to this log store, oldest first, with when each was sealed.</summary>
    public async Task<IReadOnlyList<(SealCheckpoint Checkpoint, DateTimeOffset SealedAt)>> UncopiedAsync(string sink, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        if (!await AuditDatabase.ExistsAsync(connection, Obj("seals"), cancellationToken))
        {
            return [];
        }

        await using var command = new NpgsqlCommand($"""
            SELECT id, first_statement_id, last_statement_id, statement_count, previous_hash, hash, sealed_at FROM {Obj("seals")}
            WHERE id > coalesce((SELECT last_statement_id FROM {Obj("shipping")} WHERE sink = @sink), 0) ORDER BY id
            """, connection);
        command.Parameters.AddWithValue("sink", CopySink(sink));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pending = new List<(SealCheckpoint, DateTimeOffset)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add((new SealCheckpoint(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<byte[]>(5)), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return pending;
    }

    /// <summary>Notes a checkpoint (and those before it) as copied to this log store.</summary>
    public async Task MarkCopiedAsync(string sink, long sealId, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {Obj("shipping")} (sink, last_statement_id) VALUES (@sink, @id) ON CONFLICT (sink) DO UPDATE SET last_statement_id = EXCLUDED.last_statement_id, updated_at = clock_timestamp()",
            connection);
        command.Parameters.AddWithValue("sink", CopySink(sink));
        command.Parameters.AddWithValue("id", sealId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The shipping mark of seal copies to a store (its column holds a seal id, not a statement id).</summary>
    private static string CopySink(string sink) => "seals:" + sink;

    /// <summary>The highest statement id retention removed (0 when none was).</summary>
    private async Task<long> ExpiredUpToAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!await AuditDatabase.ExistsAsync(connection, Obj("retention"), cancellationToken))
        {
            return 0;
        }

        await using var command = new NpgsqlCommand($"SELECT coalesce(max(up_to_statement_id), 0) FROM {Obj("retention")}", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<List<SealCheckpoint>> CheckpointsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT id, first_statement_id, last_statement_id, statement_count, previous_hash, hash FROM {Obj("seals")} ORDER BY last_statement_id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<SealCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new SealCheckpoint(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<byte[]>(5)));
        }

        return checkpoints;
    }

    /// <summary>
    /// Per statement in (after, upTo]: SHA-256 of its recorded fields and of its rows (each image as JSON, in a fixed
    /// order, so the rows' physical order does not matter), in id order.
    /// </summary>
    private async Task<List<(long Id, byte[] Digest)>> DigestsAsync(NpgsqlConnection connection, long after, long upTo, CancellationToken cancellationToken)
    {
        string[] fields = ["id", "tx_id", "statement_at", "captured_at", "table_oid", "schema_name", "table_name", "action", "row_count", "session_role", "invoking_role",
            "client_addr", "client_port", "application_name", "backend_pid", "app_user_id", "app_username", "app_client_ip", "correlation_id", "request_path",
            "trigger_depth", "query"];
        var record = string.Join(", ", fields.Select(f => $"coalesce({f}::text, '\\N')"));
        var statements = new List<(long Id, uint Table, byte[] Digest)>();
        await using (var command = new NpgsqlCommand(
            $"SELECT id, table_oid, sha256(convert_to(concat_ws(chr(31), {record}), 'UTF8')) FROM {Obj("statements")} WHERE id > @after AND id <= @upTo ORDER BY id", connection))
        {
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("upTo", upTo);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                statements.Add((reader.GetInt64(0), reader.GetFieldValue<uint>(1), reader.GetFieldValue<byte[]>(2)));
            }
        }

        var rows = new Dictionary<long, byte[]>();
        var sources = new List<string> { $"SELECT statement_id, row_image::text AS image FROM {Obj("rows_fallback")} WHERE statement_id > @after AND statement_id <= @upTo" };
        foreach (var table in statements.Select(s => s.Table).Distinct())
        {
            var shadow = Obj(AuditSql.ShadowTable(table));
            if (await AuditDatabase.ExistsAsync(connection, shadow, cancellationToken))
            {
                var statement = SqlText.Ident(AuditSql.StatementColumn);
                sources.Add($"SELECT {statement}, to_jsonb(r)::text FROM {shadow} r WHERE {statement} > @after AND {statement} <= @upTo");
            }
        }

        await using (var command = new NpgsqlCommand(
            $"SELECT statement_id, sha256(convert_to(string_agg(image, chr(30) ORDER BY image), 'UTF8')) FROM ({string.Join(" UNION ALL ", sources)}) x GROUP BY statement_id", connection))
        {
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("upTo", upTo);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows[reader.GetInt64(0)] = reader.GetFieldValue<byte[]>(1);
            }
        }

        return [.. statements.Select(s => (s.Id, SHA256.HashData([.. s.Digest, .. rows.GetValueOrDefault(s.Id, HashChain.Genesis)])))];
    }
}
