using System.Globalization;

namespace TovPlay.Logs.Domain.Logs;

/// <summary>How the app writes an instant for people: UTC to the millisecond, so logs, reports and screenshots agree.</summary>
public static class UtcText
{
    public static string Millis(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);
}
