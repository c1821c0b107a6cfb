namespace TovPlay.Logs.Domain.Logs;

/// <summary>Text kept to a column's or a screen's size, an ellipsis saying that it was cut.</summary>
public static class ShortText
{
    /// <summary>At most <paramref name="max"/> characters, the last an ellipsis when something was cut.</summary>
    public static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    public static string? CutOrNull(string? text, int max) => text is null ? null : Cut(text, max);
}
