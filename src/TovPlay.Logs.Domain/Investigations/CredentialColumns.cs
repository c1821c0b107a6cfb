using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// Which columns hold what controls an account (a password hash, an email that receives resets, a 2FA secret, tokens),
/// by their name's words: <c>password_hash</c>, <c>twoFactorSecret</c>, <c>api_key</c>. A pattern of several words
/// ("api_key") matches them in order. Which of them are secrets (never shown, only said to have changed) is decided
/// the same way; an email is a credential but not a secret, and its new value is evidence.
/// </summary>
public sealed partial class CredentialColumns(IEnumerable<string> patterns, IEnumerable<string> secrets)
{
    public static readonly IReadOnlyList<string> DefaultPatterns =
        ["password", "passwd", "pwd", "email", "mfa", "totp", "otp", "2fa", "two_factor", "secret", "token", "api_key", "recovery_code", "security_answer"];

    public static readonly IReadOnlyList<string> DefaultSecrets =
        ["password", "passwd", "pwd", "hash", "mfa", "totp", "otp", "2fa", "two_factor", "secret", "token", "api_key", "recovery_code", "security_answer"];

    public static CredentialColumns Default { get; } = new(DefaultPatterns, DefaultSecrets);

    private readonly string[] _patterns = [.. patterns.Select(Words)];
    private readonly string[] _secrets = [.. secrets.Select(Words)];

    public bool IsCredential(string column) => Matches(column, _patterns);

    /// <summary>A column whose values are never shown: a password hash or a token tells an attacker too much.</summary>
    public bool IsSecret(string column) => Matches(column, _secrets);

    private static bool Matches(string column, string[] patterns)
    {
        var words = Words(column);
        return patterns.Any(p => words.Contains(p, StringComparison.Ordinal));
    }

    /// <summary>A name as its words between underscores, lower case: "twoFactorSecret" → "_two_factor_secret_".</summary>
    private static string Words(string name) => "_" + string.Join("_", Split().Split(CamelCase().Replace(name, "$1_$2")).Where(w => w.Length > 0)).ToLowerInvariant() + "_";

    [GeneratedRegex(@"([a-z0-9])([A-Z])")]
    private static partial Regex CamelCase();

    [GeneratedRegex(@"[^A-Za-z0-9]+")]
    private static partial Regex Split();
}
