namespace TovPlay.Logs.Web.LogStore;

/// <summary>The store's database refused a push's content itself; a retry would fail the same way (HTTP 400).</summary>
public sealed class LogStoreRefusedException(string message, Exception? inner = null) : Exception(message, inner);
