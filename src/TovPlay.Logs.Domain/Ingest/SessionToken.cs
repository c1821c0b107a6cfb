using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TovPlay.Logs.Domain.Ingest;

/// <summary>The signed-in user a backend vouches for, as a session token names them.</summary>
public sealed record SessionUser(string UserId, string? Username);

/// <summary>What a session token sent with browser lines turned out to be.</summary>
public enum SessionTokenStatus
{
    Valid,
    Expired,
    Invalid,
}

/// <summary>
/// A token the TovPlay backend hands its signed-in pages so their log lines can carry the user without trusting the
/// browser's word: <c>v1.&lt;payload&gt;.&lt;signature&gt;</c>, the payload base64url JSON
/// <c>{"sub": user id, "name": username, "exp": Unix seconds}</c>, the signature base64url HMAC-SHA256 of
/// <c>v1.&lt;payload&gt;</c> under a key only the backend and this app hold.
/// </summary>
public static class SessionToken
{
    public const int MaxLength = 1024;

    /// <summary>A token meant to last longer than this is refused: one that leaked must not vouch for its user for years.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(1);
    private const string Version = "v1";

    public static string Sign(SessionUser user, DateTimeOffset expires, ReadOnlySpan<byte> key)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["sub"] = user.UserId,
            ["name"] = user.Username,
            ["exp"] = expires.ToUnixTimeSeconds(),
        });
        var signed = $"{Version}.{Base64Url.EncodeToString(payload)}";
        return $"{signed}.{Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signed)))}";
    }

    /// <summary>The user the token names, when its signature holds and it has not expired.</summary>
    public static (SessionTokenStatus Status, SessionUser? User) Verify(string token, DateTimeOffset now, ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || token.Length > MaxLength)
        {
            return (SessionTokenStatus.Invalid, null);
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != Version
            || !TryFromBase64Url(parts[1], out var payload) || !TryFromBase64Url(parts[2], out var signature))
        {
            return (SessionTokenStatus.Invalid, null);
        }

        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return (SessionTokenStatus.Invalid, null);
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("sub", out var sub) || !TryText(sub, out var userId) || userId.Length == 0
                || !root.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number || !exp.TryGetInt64(out var expires))
            {
                return (SessionTokenStatus.Invalid, null);
            }

            if (now.ToUnixTimeSeconds() >= expires)
            {
                return (SessionTokenStatus.Expired, null);
            }

            if (expires - now.ToUnixTimeSeconds() > (long)MaxLifetime.TotalSeconds)
            {
                return (SessionTokenStatus.Invalid, null);
            }

            var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            return (SessionTokenStatus.Valid, new SessionUser(userId, name));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Signed, yet not what a backend signs (text that is not Unicode, fields of other types): not a user.
            return (SessionTokenStatus.Invalid, null);
        }
    }

    // A backend may hold user ids as numbers or as text; both name the same user.
    private static bool TryText(JsonElement value, out string text)
    {
        text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Number => value.GetRawText(),
            _ => "",
        };
        return value.ValueKind is JsonValueKind.String or JsonValueKind.Number;
    }

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (!Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }
}
