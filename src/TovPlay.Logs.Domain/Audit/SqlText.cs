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

    /// <summary>
    /// Text for the rest of a <c>--</c> comment line: every line break and control character (PostgreSQL ends the
    /// comment at CR or LF, a reader at any of them) becomes a space, so no name can start a line of live SQL.
    /// </summary>
    public static string Comment(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c);
        }

        return sb.ToString();
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
