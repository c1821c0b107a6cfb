using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Benchmarks.Audit;

/// <summary>
/// What auditing costs the audited database: bulk INSERT, UPDATE, DELETE and TRUNCATE of 200,000 rows, single-row
/// UPDATE transactions with pgbench (2 clients), and audit bytes per deleted row, for no audit, the common row-level
/// design (one jsonb row per changed row) and ours, each on a fresh database of the same cluster.
/// </summary>
public static class AuditBenchmark
{
    private const int Rows = 200_000;
    private const int Repeats = 3;

    private const string Schema = """
        CREATE TABLE games (id bigint PRIMARY KEY, title text NOT NULL, owner_id bigint, created_at timestamptz NOT NULL DEFAULT now(), score numeric, tags text[]);
        CREATE INDEX games_owner ON games (owner_id);
        """;

    private static readonly string s_fill = $"INSERT INTO games SELECT g, 'game ' || g, g % 1000, now(), g * 1.5, ARRAY['a', 'b'] FROM generate_series(1, {Rows}) g";

    /// <summary>The common design: a row trigger writing OLD/NEW as jsonb; TRUNCATE noted without its rows.</summary>
    private const string RowLevel = """
        CREATE TABLE audit_log (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(), table_name text NOT NULL, action text NOT NULL,
                                db_user text NOT NULL DEFAULT session_user, tx bigint NOT NULL DEFAULT txid_current(), old_row jsonb, new_row jsonb);
        CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                INSERT INTO public.audit_log (table_name, action) VALUES (TG_TABLE_NAME, TG_OP);
                RETURN NULL;
            END IF;
            INSERT INTO public.audit_log (table_name, action, old_row, new_row)
            VALUES (TG_TABLE_NAME, TG_OP, CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
            RETURN NULL;
        END $$;
        CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON games FOR EACH ROW EXECUTE FUNCTION audit_row();
        CREATE TRIGGER audit_truncate AFTER TRUNCATE ON games FOR EACH STATEMENT EXECUTE FUNCTION audit_row();
        """;

    public static async Task<int> RunAsync(string server, string[] args)
    {
        if (args is ["forensic"])
        {
            await ForensicQueryAsync(server);
            return 0;
        }

        var seconds = args is ["--seconds", var s] ? int.Parse(s, CultureInfo.InvariantCulture) : 10;
        Console.WriteLine($"// {Environment.ProcessorCount} cores, {await ServerVersionAsync(server)}; {Rows:N0}-row table, median of {Repeats}; " +
            $"pgbench {TpsRounds} rounds of {seconds} s per design, designs taking turns, 2 clients (median)");
        Console.WriteLine("design                 INSERT      UPDATE      DELETE      TRUNCATE    1-row UPDATE TPS   audit bytes/deleted row");
        (string Name, Func<string, Task> Install)[] designs =
        [
            ("no audit", _ => Task.CompletedTask),
            ("row-level jsonb", db => ExecuteAsync(db, RowLevel)),
            ("tovplay (ours)", db => InstallOursAsync(db, shapeGuard: true)),
            ("ours, no shape guard", db => InstallOursAsync(db, shapeGuard: false)),
        ];
        var databases = new List<string>();
        try
        {
            foreach (var (_, install) in designs)
            {
                databases.Add(await CreateAsync(server, install));
            }

            // Timings on this machine drift over minutes (the disk's fsync above all): the designs take turns, round
            // after round, so a slow spell hits them all, and each keeps its median round.
            var rounds = designs.Select(_ => new List<Figures>()).ToList();
            for (var round = 0; round < Repeats; round++)
            {
                for (var i = 0; i < designs.Length; i++)
                {
                    rounds[i].Add(await BulkRoundAsync(databases[i]));
                }
            }

            var figures = rounds.Select(r => new Figures(
                Median([.. r.Select(f => f.Insert)]), Median([.. r.Select(f => f.Update)]), Median([.. r.Select(f => f.Delete)]),
                Median([.. r.Select(f => f.Truncate)]), 0, r[^1].BytesPerRow)).ToList();
            foreach (var database in databases)
            {
                await ExecuteAsync(database, s_fill);
                await ExecuteAsync(database, "VACUUM ANALYZE");
            }
            var tps = designs.Select(_ => new List<double>()).ToList();
            for (var round = 0; round < TpsRounds; round++)
            {
                for (var i = 0; i < designs.Length; i++)
                {
                    tps[i].Add(await PgbenchAsync(databases[i], seconds));
                }
            }

            for (var i = 0; i < designs.Length; i++)
            {
                Print(designs[i].Name, figures[i] with { Tps = Median(tps[i]) }, figures[0] with { Tps = Median(tps[0]) });
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            foreach (var database in databases)
            {
                await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)");
            }
        }

        Console.WriteLine("(times in ms; ratios to no audit; TRUNCATE keeps every row only in ours)");
        await ForensicQueryAsync(server);
        return 0;
    }

    private const int TpsRounds = 5;

    /// <summary>"Who deleted from this table in this window", on a trail of 2,000,000 statements over 60 tables and 30 days.</summary>
    private static async Task ForensicQueryAsync(string server)
    {
        const int Statements = 2_000_000;
        var database = $"audit_bench_forensic_{Guid.NewGuid():N}"[..40];
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        var target = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = false }.ConnectionString;
        try
        {
            await ExecuteAsync(target, Schema);
            await InstallOursAsync(target, shapeGuard: true);
            await ExecuteAsync(target, $"""
                INSERT INTO tovplay_audit.statements (id, tx_id, statement_at, captured_at, table_oid, schema_name, table_name, action, row_count,
                    session_role, invoking_role, client_addr, client_port, application_name, backend_pid, app_username, trigger_depth, query)
                SELECT nextval('tovplay_audit.statements_id_seq'), 1000 + g, t, t, 100000 + g % 60, 'public', 't' || g % 60, (ARRAY['INSERT', 'UPDATE', 'DELETE', 'INSERT'])[1 + g % 4], 1 + g % 50,
                    'tovplay_app', 'tovplay_app', ('10.0.' || g % 7 || '.' || g % 250)::inet, 40000 + g % 1000, 'tovplay-backend', 1000 + g % 300,
                    'user' || g % 5000, 1, 'DELETE FROM t WHERE id = $1'
                FROM (SELECT g, now() - interval '30 days' + g * (interval '30 days' / {Statements}) AS t FROM generate_series(1, {Statements}) g) x
                """);
            await ExecuteAsync(target, "VACUUM ANALYZE tovplay_audit.statements");
            const string query = """
                SELECT session_role, invoking_role, client_addr, application_name, app_username, tx_id, count(*) AS statements, sum(row_count) AS rows
                FROM tovplay_audit.statements
                WHERE table_oid = 100017 AND action = 'DELETE' AND statement_at BETWEEN now() - interval '15 days' AND now() - interval '14 days'
                GROUP BY 1, 2, 3, 4, 5, 6
                """;
            var times = new List<double>();
            await using var connection = new NpgsqlConnection(target);
            await connection.OpenAsync();
            for (var i = 0; i < 23; i++)
            {
                await using var command = new NpgsqlCommand(query, connection);
                var clock = Stopwatch.StartNew();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                    }
                }

                if (i >= 3)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"\"Who deleted from this table in this window\" on {Statements:N0} audited statements: median {Median(times):0.0} ms, max {times.Max():0.0} ms (20 runs after 3 warm-ups)"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private sealed record Figures(double Insert, double Update, double Delete, double Truncate, double Tps, double BytesPerRow);

    private static void Print(string design, Figures f, Figures none) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{design,-20} {Cell(f.Insert, none.Insert)} {Cell(f.Update, none.Update)} {Cell(f.Delete, none.Delete)} {Cell(f.Truncate, none.Truncate)} {f.Tps,8:0} ({none.Tps / f.Tps:0.00}x)     {f.BytesPerRow,6:0}"));

    private static string Cell(double ms, double baseline) => string.Create(CultureInfo.InvariantCulture, $"{ms,6:0} {ms / baseline,4:0.0}x");

    private static async Task InstallOursAsync(string database, bool shapeGuard)
    {
        var installer = new AuditInstaller(Options.Create(new AuditOptions { TargetConnection = database }), shapeGuard);
        await installer.InstallAsync(await installer.TablesAsync(CancellationToken.None), CancellationToken.None);
    }

    /// <summary>A fresh database of the same cluster with the benchmark's table and this design installed.</summary>
    private static async Task<string> CreateAsync(string server, Func<string, Task> install)
    {
        var database = $"audit_bench_{Guid.NewGuid():N}"[..40];
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        var target = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = false }.ConnectionString;
        await ExecuteAsync(target, Schema);
        await install(target);
        return target;
    }

    /// <summary>One round of bulk INSERT, UPDATE, DELETE and TRUNCATE of the whole table, and the audit's bytes per deleted row.</summary>
    private static async Task<Figures> BulkRoundAsync(string target)
    {
        var insert = await TimeAsync(target, s_fill);
        var update = await TimeAsync(target, "UPDATE games SET score = score + 1");
        var before = await AuditBytesAsync(target);
        var delete = await TimeAsync(target, "DELETE FROM games");
        var bytes = (await AuditBytesAsync(target) - before) / (double)Rows;
        await ExecuteAsync(target, s_fill);
        var truncate = await TimeAsync(target, "TRUNCATE games");
        await ExecuteAsync(target, "VACUUM ANALYZE");
        return new Figures(insert, update, delete, truncate, 0, bytes);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Everything the audit keeps (its tables, indexes and TOAST), in bytes.</summary>
    private static async Task<long> AuditBytesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND (n.nspname = 'tovplay_audit' OR c.relname = 'audit_log')
            """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<double> TimeAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        await using (var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 })
        {
            await command.ExecuteNonQueryAsync();
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ServerVersionAsync(string server)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        return "PostgreSQL " + connection.PostgreSqlVersion + ", fsync " + await ScalarAsync(connection, "SHOW fsync");
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Single-row UPDATE transactions on random rows, as pgbench runs them, with 2 clients.</summary>
    private static async Task<double> PgbenchAsync(string database, int seconds)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, $"\\set id random(1, {Rows})\nUPDATE games SET score = score + 1 WHERE id = :id;\n");
        try
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("TOVPLAY_PGBENCH") ?? "pgbench")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in (string[])["-n", "-c", "2", "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", script,
                         "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database!])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start");
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var tps = output.Split('\n').FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("pgbench printed no tps: " + output + await process.StandardError.ReadToEndAsync());
            return double.Parse(tps[6..].Split(' ')[0], CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(script);
        }
    }
}
