namespace TovPlay.Logs.Web.LogSources;

public enum LogSourceError
{
    /// <summary>The query or its parameters are wrong (LogQL error, limits); retrying will not help.</summary>
    BadRequest,
    Unauthorized,
    TooManyRequests,
    Timeout,
    /// <summary>The source cannot be reached or is not ready; retry later.</summary>
    Unavailable,
    /// <summary>The source failed on a valid request (Loki's 500s).</summary>
    Internal,
}

/// <summary>A log source refused or failed a request; the message is the text to show (Loki's own where it has one).</summary>
public sealed class LogSourceException(LogSourceError error, string message, Exception? inner = null) : Exception(message, inner)
{
    public LogSourceError Error { get; } = error;

    public int StatusCode => Error switch
    {
        LogSourceError.BadRequest => 400,
        LogSourceError.Unauthorized => 401,
        LogSourceError.TooManyRequests => 429,
        LogSourceError.Timeout => 504,
        LogSourceError.Unavailable => 503,
        _ => 500,
    };
}
