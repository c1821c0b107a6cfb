using System.Text;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>
/// Quoting for SQL the Domain writes. Every identifier goes through <see cref="Ident"/> and every text constant
/// through <see cref="Literal"/>: a table may be called <c>Robert'); DROP TABLE users;--</c>.
/// </summary>
public static class SqlText
{
    /// <summary>A double-quoted identifier (embedded quotes doubled); refuses what PostgreSQL cannot hold.</summary>
    public static string Ident(string name)
    {
        if (name.Length is 0 or > 63 || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' cannot be a PostgreSQL identifier (1 to 63 characters, no NUL).");
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>schema.name, both quoted.</summary>
    public static string Qualified(string schema, string name) => Ident(schema) + "." + Ident(name);

    /// <summary>A standard string constant (quotes doubled; standard_conforming_strings is on since PostgreSQL 9.1).</summary>
    public static string Literal(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A SQL string cannot hold NUL.");
        }

        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A dollar-quoted body whose tag does not occur in it.</summary>
    public static string DollarQuoted(string body)
    {
        var tag = "$audit$";
        for (var i = 0; body.Contains(tag, StringComparison.Ordinal); i++)
        {
            tag = $"$audit{i}$";
        }

        return new StringBuilder(tag).Append(body).Append(tag).ToString();
    }
}
