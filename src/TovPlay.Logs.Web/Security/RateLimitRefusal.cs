namespace TovPlay.Logs.Web.Security;

/// <summary>What a rate-limited endpoint tells a client it turned away (endpoint metadata read by the limiter's answer).</summary>
public sealed record RateLimitRefusal(string Message);
