namespace TovPlay.Logs.Web.LogStore;

/// <summary>The store's database cannot be reached or refused a write; the caller should retry later (HTTP 503).</summary>
public sealed class LogStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
