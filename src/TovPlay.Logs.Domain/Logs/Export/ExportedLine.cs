namespace TovPlay.Logs.Domain.Logs.Export;

/// <summary>One line of an export: when, from which stream (labels after the query's pipeline), and the text.</summary>
public sealed record ExportedLine(long TimestampNs, LabelSet Labels, string Line)
{
    public DateTimeOffset Time => DateTimeOffset.UnixEpoch.AddTicks(TimestampNs / 100);

    /// <summary>RFC 3339 in UTC with all nine digits, as Loki prints times.</summary>
    public string Rfc3339 =>
        Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
        + "." + (TimestampNs % 1_000_000_000).ToString("D9", System.Globalization.CultureInfo.InvariantCulture) + "Z";
}
