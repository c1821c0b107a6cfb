using System.Globalization;
using System.Net;
using System.Text;
using TovPlay.Logs.Domain.Logs.Search;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>A condition on the statements table with its parameter values, for the Web to bind.</summary>
public sealed record AuditWhere(string Sql, IReadOnlyList<(string Name, object Value)> Parameters);

/// <summary>
/// Which audited statements to show: each field narrows, empty ones do not. It reads from and writes to the same
/// query-string names on the Audit page's address and the export endpoint, so a view can be shared and exported as is.
/// </summary>
public sealed record AuditFilter
{
    public const int MaxTextLength = 200;

    /// <summary>The trail keeps a year by default; a window may span it all.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(400);

    public static readonly TimeRange DefaultRange = TimeRange.TryParse("now-24h", "now", out var range, out _) ? range : TimeRange.LastHour;

    public static readonly IReadOnlyList<string> Actions = ["INSERT", "UPDATE", "DELETE", "TRUNCATE", "DROP TABLE"];

    /// <summary><c>table</c> or <c>schema.table</c>.</summary>
    public string? Table { get; init; }

    public string? Action { get; init; }

    /// <summary>The database role: the session's or the invoking one.</summary>
    public string? Role { get; init; }

    /// <summary>The application user's name or id, from the <c>tovplay.*</c> settings.</summary>
    public string? AppUser { get; init; }

    /// <summary>An IP address: the database client's, or the end user's the application passed on.</summary>
    public string? Client { get; init; }

    public string? Application { get; init; }

    public string? CorrelationId { get; init; }

    public long? TxId { get; init; }

    public TimeRange Range { get; init; } = DefaultRange;

    /// <summary>Reads a filter from query-string values; each error names its field and why.</summary>
    public static bool TryRead(Func<string, string?> value, out AuditFilter filter, out IReadOnlyList<(string Field, string Message)> errors)
    {
        var problems = new List<(string, string)>();
        string? Text(string name)
        {
            var text = value(name)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (text.Length > MaxTextLength)
            {
                problems.Add((name, $"longer than {MaxTextLength} characters."));
                return null;
            }

            return text;
        }

        var action = Text("action")?.ToUpperInvariant();
        if (action is not null && !Actions.Contains(action))
        {
            problems.Add(("action", $"must be one of {string.Join(", ", Actions)}."));
            action = null;
        }

        var client = Text("client");
        // IPAddress also takes shorthand like "10.0.0", which PostgreSQL's inet refuses: four parts or IPv6 only.
        if (client is not null && !(IPAddress.TryParse(client, out _) && (client.Contains(':', StringComparison.Ordinal) || client.Split('.').Length == 4)))
        {
            problems.Add(("client", $"'{client}' is not an IP address."));
            client = null;
        }

        long? tx = null;
        if (Text("tx") is { } txText)
        {
            if (long.TryParse(txText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                tx = parsed;
            }
            else
            {
                problems.Add(("tx", $"'{txText}' is not a transaction id (a whole number)."));
            }
        }

        if (!TimeRange.TryParse(value("from"), value("to"), out var range, out var rangeError, MaxSpan, DefaultRange))
        {
            problems.Add((rangeError!.StartsWith("To:", StringComparison.Ordinal) ? "to" : "from", rangeError));
        }

        filter = new AuditFilter
        {
            Table = Text("table"),
            Action = action,
            Role = Text("role"),
            AppUser = Text("user"),
            Client = client,
            Application = Text("application"),
            CorrelationId = Text("correlation"),
            TxId = tx,
            Range = range,
        };
        errors = problems;
        return problems.Count == 0;
    }

    /// <summary>The query-string values of this filter (empty fields and the default range left out).</summary>
    public IReadOnlyList<(string Name, string Value)> ToQuery()
    {
        var pairs = new List<(string, string)>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                pairs.Add((name, value));
            }
        }

        Add("table", Table);
        Add("action", Action);
        Add("role", Role);
        Add("user", AppUser);
        Add("client", Client);
        Add("application", Application);
        Add("correlation", CorrelationId);
        Add("tx", TxId?.ToString(CultureInfo.InvariantCulture));
        if (Range != DefaultRange)
        {
            Add("from", Range.From);
            Add("to", Range.To);
        }

        return pairs;
    }

    /// <summary>The query string (without <c>?</c>) of <see cref="ToQuery"/>.</summary>
    public string ToQueryString() => string.Join('&', ToQuery().Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>The condition on <c>statements</c>, every value a parameter; the window resolved against <paramref name="now"/>.</summary>
    public AuditWhere ToSql(DateTimeOffset now)
    {
        var sql = new StringBuilder("statement_at >= @from AND statement_at < @to");
        var (start, end) = Range.Resolve(now);
        var parameters = new List<(string, object)> { ("from", start), ("to", end) };
        void Add(string condition, string name, object? value)
        {
            if (value is not null)
            {
                sql.Append(" AND ").Append(condition);
                parameters.Add((name, value));
            }
        }

        Add("(table_name = @table OR schema_name || '.' || table_name = @table)", "table", Table);
        Add("action = @action", "action", Action);
        Add("(session_role = @role OR invoking_role = @role)", "role", Role);
        Add("(app_username = @user OR app_user_id = @user)", "user", AppUser);
        Add("(client_addr = @client::inet OR app_client_ip = @client)", "client", Client);
        Add("application_name = @application", "application", Application);
        Add("correlation_id = @correlation", "correlation", CorrelationId);
        Add("tx_id = @tx", "tx", TxId);
        return new AuditWhere(sql.ToString(), parameters);
    }
}
