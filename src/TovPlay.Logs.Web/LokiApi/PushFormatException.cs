namespace TovPlay.Logs.Web.LokiApi;

/// <summary>A push body that cannot be read; the message is what the client is told (HTTP 400).</summary>
public sealed class PushFormatException(string message) : Exception(message);
