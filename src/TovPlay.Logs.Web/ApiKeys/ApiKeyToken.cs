using System.Security.Cryptography;
using System.Text;

namespace TovPlay.Logs.Web.ApiKeys;

/// <summary>
/// The text of a key, <c>tpl_&lt;key id&gt;_&lt;secret&gt;</c>: the id finds the stored row, the secret is compared by
/// its hash. The prefix makes a leaked key easy to spot by secret scanners.
/// </summary>
public static class ApiKeyToken
{
    public const string Prefix = "tpl_";

    public static (string KeyId, string Secret, string Token) Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (keyId, secret, $"{Prefix}{keyId}_{secret}");
    }

    public static bool TryParse(string token, out string keyId, out string secret)
    {
        keyId = secret = "";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 128)
        {
            return false;
        }

        var rest = token[Prefix.Length..];
        var separator = rest.IndexOf('_', StringComparison.Ordinal);
        if (separator != 12)
        {
            return false;
        }

        keyId = rest[..separator];
        secret = rest[(separator + 1)..];
        return secret.Length >= 32;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
