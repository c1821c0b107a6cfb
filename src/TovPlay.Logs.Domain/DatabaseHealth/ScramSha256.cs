using System.Security.Cryptography;
using System.Text;

namespace TovPlay.Logs.Domain.DatabaseHealth;

/// <summary>
/// The client's side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL and PgBouncer speak it: no channel binding,
/// an empty user name in the messages by default (PostgreSQL takes the one of the start-up message). The password is taken as
/// given (no SASLprep), which is exact for the ASCII passwords deployments generate.
/// </summary>
public sealed class ScramSha256(string password, string clientNonce, string user = "")
{
    public const string Mechanism = "SCRAM-SHA-256";

    /// <summary>More iterations than any server asks for in practice: a hostile one cannot make the client spin.</summary>
    public const int MaxIterations = 1_000_000;

    private const string Gs2Header = "n,,";
    private byte[]? _serverSignature;

    public string ClientFirstBare => $"n={user},r={clientNonce}";

    public string ClientFirst => Gs2Header + ClientFirstBare;

    /// <summary>The client's final message for the server's first; throws <see cref="FormatException"/> when the server's message is not SCRAM's.</summary>
    public string ClientFinal(string serverFirst)
    {
        var parts = Attributes(serverFirst);
        if (!parts.TryGetValue('r', out var nonce) || !nonce.StartsWith(clientNonce, StringComparison.Ordinal) || nonce.Length == clientNonce.Length)
        {
            throw new FormatException("the server's nonce does not extend the client's");
        }

        if (!parts.TryGetValue('s', out var saltText) || !parts.TryGetValue('i', out var iterationText)
            || !int.TryParse(iterationText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > MaxIterations)
        {
            throw new FormatException("the server's first message lacks a salt or a usable iteration count");
        }

        var salt = Convert.FromBase64String(saltText);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var withoutProof = $"c={Convert.ToBase64String(Encoding.ASCII.GetBytes(Gs2Header))},r={nonce}";
        var authMessage = Encoding.UTF8.GetBytes($"{ClientFirstBare},{serverFirst},{withoutProof}");
        var signature = HMACSHA256.HashData(storedKey, authMessage);
        var proof = new byte[clientKey.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] = (byte)(clientKey[i] ^ signature[i]);
        }

        _serverSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
        return $"{withoutProof},p={Convert.ToBase64String(proof)}";
    }

    /// <summary>Whether the server's final message proves it knew the password too.</summary>
    public bool ServerProved(string serverFinal) =>
        _serverSignature is not null && Attributes(serverFinal).TryGetValue('v', out var v)
        && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(v), _serverSignature);

    private static Dictionary<char, string> Attributes(string message) =>
        message.Split(',').Where(p => p.Length >= 2 && p[1] == '=').GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[2..]);
}
