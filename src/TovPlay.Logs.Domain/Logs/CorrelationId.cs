namespace TovPlay.Logs.Domain.Logs;

/// <summary>
/// The value carried by the <c>X-Correlation-ID</c> header. Callers normally send a UUID; we accept any
/// short token of safe characters so ids from other systems survive, and refuse anything else because
/// the value is echoed into response headers and log events.
/// </summary>
public static class CorrelationId
{
    public const string HeaderName = "X-Correlation-ID";
    public const int MaxLength = 64;

    public static string New() => Guid.NewGuid().ToString("D");

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or ':';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the incoming id when it is acceptable, a fresh one otherwise.</summary>
    public static string ReuseOrCreate(string? incoming) => IsValid(incoming) ? incoming! : New();
}
