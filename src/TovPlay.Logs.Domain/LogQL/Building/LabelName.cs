namespace TovPlay.Logs.Domain.LogQL.Building;

/// <summary>Label names are identifiers (<c>[A-Za-z_][A-Za-z0-9_]*</c>); anything else cannot be written in LogQL.</summary>
public static class LabelName
{
    public const int MaxLength = 256;

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public static string Require(string name, string paramName) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not a valid label name: use letters, digits and _, not starting with a digit.", paramName);

    /// <summary>Turns any field name into a valid label name as Loki's json parser does (<c>user.id</c> -> <c>user_id</c>).</summary>
    public static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var result = new string(chars);
        return result.Length == 0 || char.IsAsciiDigit(result[0]) ? "_" + result : result;
    }
}
