namespace TovPlay.Logs.Domain.Security;

/// <summary>
/// What a new API key's owner pastes into its clients: logcli's environment and promtail's client block. Values
/// are quoted for the shell and for YAML, so a key named "ci runner" or "bob's laptop" works as pasted.
/// </summary>
public static class ApiKeyUsage
{
    /// <summary>logcli reads these variables; <c>logcli query '{job=~".+"}'</c> then works against the app.</summary>
    public static string Logcli(string address, string keyName, string token) =>
        $"""
        export LOKI_ADDR={Shell(address)}
        export LOKI_USERNAME={Shell(keyName)}
        export LOKI_PASSWORD={Shell(token)}
        logcli query '{"{"}job=~".+"{"}"}'
        """;

    public static string Promtail(string pushUrl, string token) =>
        $"""
        clients:
          - url: {Yaml(pushUrl)}
            bearer_token: {Yaml(token)}
        """;

    /// <summary>A POSIX shell word: single quotes, with each single quote written as <c>'\''</c>.</summary>
    public static string Shell(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A YAML single-quoted scalar: a single quote is doubled.</summary>
    public static string Yaml(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
