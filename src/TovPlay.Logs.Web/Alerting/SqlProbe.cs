using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// SQL probes on the audited database: one statement, in a READ ONLY transaction with a statement timeout, so a probe
/// can look but never change anything. Each row is a series: the column named <c>value</c> (or the last numeric one)
/// is its number, the other columns its labels.
/// </summary>
public sealed class SqlProbe(IOptions<AlertingOptions> options, IOptions<AuditOptions> audit)
{
    public const int MaxRows = 1000;

    public bool IsConfigured => options.Value.SqlProbeConnection.Length > 0 || audit.Value.IsConfigured;

    public async Task<IReadOnlyList<AlertSample>> RunAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Guard(connection, transaction, cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(Single(sql), connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var valueColumn = ValueColumn(reader);
            var samples = new List<AlertSample>();
            while (await reader.ReadAsync(cancellationToken))
            {
                if (samples.Count == MaxRows)
                {
                    throw new RuleQueryException($"the probe returned more than {MaxRows:N0} rows; aggregate them");
                }

                var labels = new List<KeyValuePair<string, string>>();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (i != valueColumn && !reader.IsDBNull(i))
                    {
                        labels.Add(new(reader.GetName(i), Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? ""));
                    }
                }

                samples.Add(new AlertSample(LabelSet.From(labels), reader.IsDBNull(valueColumn) ? double.NaN : Convert.ToDouble(reader.GetValue(valueColumn), CultureInfo.InvariantCulture)));
            }

            return samples;
        }
        catch (PostgresException ex)
        {
            throw new RuleQueryException(Describe(ex, sql), ex);
        }
    }

    /// <summary>Null when PostgreSQL can plan the statement, otherwise its error with the line and column it points at.</summary>
    public async Task<string?> CheckAsync(string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Guard(connection, transaction, cancellationToken);
            await using var command = new NpgsqlCommand(Explain + Single(sql), connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
        catch (PostgresException ex)
        {
            return Describe(ex, sql, Explain.Length);
        }
        catch (RuleQueryException ex)
        {
            return ex.Message;
        }
    }

    private const string Explain = "EXPLAIN ";

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connectionString = options.Value.SqlProbeConnection.Length > 0 ? options.Value.SqlProbeConnection
            : audit.Value.IsConfigured ? audit.Value.TargetConnection
            : throw new RuleQueryException("No database to probe: set Audit:TargetConnection or Alerting:SqlProbeConnection.");
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "tovplay-logs alert probe" }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new RuleQueryException("The audited database cannot be reached: " + ex.Message, ex);
        }
    }

    private async Task Guard(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var timeout = (int)Math.Max(100, options.Value.SqlProbeTimeout.TotalMilliseconds);
        await using var command = new NpgsqlCommand(
            $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {timeout}; SET LOCAL lock_timeout = {timeout}; SET LOCAL idle_in_transaction_session_timeout = {timeout * 2}",
            connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One statement only: a second one after a semicolon would run outside what the form showed.</summary>
    private static string Single(string sql)
    {
        var trimmed = sql.Trim().TrimEnd(';').Trim();
        if (trimmed.Length == 0)
        {
            throw new RuleQueryException("The probe is empty: write one SELECT.");
        }

        if (ContainsStatementBreak(trimmed))
        {
            throw new RuleQueryException("A probe is one statement: remove the ';' and what follows.");
        }

        var first = trimmed.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0].ToUpperInvariant();
        return first is "SELECT" or "WITH" or "VALUES" or "TABLE" or "(SELECT"
            ? trimmed
            : throw new RuleQueryException($"A probe reads: it starts with SELECT or WITH, not {first}.");
    }

    /// <summary>A semicolon outside quotes, identifiers, dollar quotes and comments.</summary>
    private static bool ContainsStatementBreak(string sql)
    {
        for (var i = 0; i < sql.Length; i++)
        {
            switch (sql[i])
            {
                case '\'':
                case '"':
                    var quote = sql[i];
                    i = sql.IndexOf(quote, i + 1) is var end and >= 0 ? end : sql.Length;
                    break;
                case '-' when i + 1 < sql.Length && sql[i + 1] == '-':
                    i = sql.IndexOf('\n', i) is var eol and >= 0 ? eol : sql.Length;
                    break;
                case '/' when i + 1 < sql.Length && sql[i + 1] == '*':
                    i = sql.IndexOf("*/", i + 2, StringComparison.Ordinal) is var close and >= 0 ? close + 1 : sql.Length;
                    break;
                case '$':
                    var tagEnd = sql.IndexOf('$', i + 1);
                    if (tagEnd > i && sql[(i + 1)..tagEnd].All(c => char.IsLetterOrDigit(c) || c == '_'))
                    {
                        var tag = sql[i..(tagEnd + 1)];
                        i = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal) is var body and >= 0 ? body + tag.Length - 1 : sql.Length;
                    }

                    break;
                case ';':
                    return true;
            }
        }

        return false;
    }

    private static int ValueColumn(NpgsqlDataReader reader)
    {
        var numeric = -1;
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var type = reader.GetFieldType(i);
            var isNumber = type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(double) || type == typeof(float) || type == typeof(decimal);
            if (reader.GetName(i) == "value" && isNumber)
            {
                return i;
            }

            if (isNumber)
            {
                numeric = i;
            }
        }

        return numeric >= 0 ? numeric : throw new RuleQueryException("The probe returns no number: name a numeric column value (the other columns become labels).");
    }

    /// <summary>PostgreSQL's message, with the line and column its position points at (past <paramref name="prefix"/> characters we put before the probe).</summary>
    private static string Describe(PostgresException ex, string sql, int prefix = 0)
    {
        if (ex.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            return "The probe ran past its statement timeout.";
        }

        if (ex.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            return "A probe may only read: " + ex.MessageText;
        }

        if (ex.Position - prefix <= 0)
        {
            return ex.MessageText;
        }

        var offset = sql.Length - sql.TrimStart().Length;
        var before = sql[..Math.Min(sql.Length, offset + ex.Position - prefix - 1)];
        var line = before.Count(c => c == '\n') + 1;
        var column = before.Length - (before.LastIndexOf('\n') + 1) + 1;
        return $"line {line}, column {column}: {ex.MessageText}";
    }
}
