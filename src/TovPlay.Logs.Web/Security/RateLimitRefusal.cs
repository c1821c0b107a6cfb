namespace TovPlay.Logs.Web.Security;

/// <summary>
/// What a rate-limited endpoint tells a client it turned away (endpoint metadata read by the limiter's answer); as
/// JSON (<c>{"error": …}</c>) for endpoints whose other refusals are JSON.
/// </summary>
public sealed record RateLimitRefusal(string Message, bool AsJson = false);
