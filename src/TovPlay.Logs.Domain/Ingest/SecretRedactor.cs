using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.Ingest;

/// <summary>
/// Takes secrets out of what a browser sends before it is stored: the value of any field whose name says it holds one
/// (password, token, authorization, credentials, cookie, API or access key, card number, PIN, session), and anywhere in
/// text a JWT, a session token of the backend's, a Bearer or Basic credential, a secret written as <c>name=value</c> or
/// <c>name: value</c>, or a
/// card number (13 to 19 digits starting as card networks' numbers do, 2 to 6, that pass the Luhn check; a
/// millisecond timestamp starts with 1 and is kept). A browser line is evidence, never a place to find a key.
/// </summary>
public static partial class SecretRedactor
{
    public const string Redacted = "[REDACTED]";

    // Compared with the name lower-cased and stripped of '_', '-' and '.': "X-Auth-Token", "api_key", "creditCard".
    private static readonly string[] s_secretNames =
    [
        "password", "passwd", "passphrase", "passcode", "secret", "token", "authorization", "authentication", "credential", "cookie",
        "apikey", "accesskey", "privatekey", "creditcard", "cardnumber", "cvv", "cvc", "totp", "mfacode", "recoverycode",
        "pincode", "socialsecurity", "iban",
    ];

    // Names that hold a secret only when they are the whole name ("pin", not "spinner"; "session", not "session_id",
    // the logger's own id of the page's session).
    private static readonly string[] s_secretWholeNames = ["pwd", "auth", "otp", "pin", "ssn", "session"];

    /// <summary>True when a field of this name holds a secret whatever its value.</summary>
    public static bool IsSecretName(string name)
    {
        Span<char> folded = stackalloc char[Math.Min(name.Length, 128)];
        var length = 0;
        foreach (var c in name.AsSpan(0, Math.Min(name.Length, 128)))
        {
            if (c is not ('_' or '-' or '.' or ' '))
            {
                folded[length++] = char.ToLowerInvariant(c);
            }
        }

        var key = folded[..length];
        foreach (var secret in s_secretNames)
        {
            if (key.Contains(secret, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var whole in s_secretWholeNames)
        {
            if (key.SequenceEqual(whole.AsSpan()))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text with every JWT, bearer credential and card number in it replaced; how many were.</summary>
    public static (string Text, int Redactions) RedactText(string text)
    {
        // The cheap test first: most lines hold no digit run or token-like text at all.
        if (text.Length < 8)
        {
            return (text, 0);
        }

        try
        {
            return RedactMatches(text);
        }
        catch (RegexMatchTimeoutException)
        {
            // Text too tangled to search in time is not stored at all: a secret in it must not slip through.
            return (Redacted, 1);
        }
    }

    private static (string Text, int Redactions) RedactMatches(string text)
    {
        var count = 0;
        var result = Jwt().Replace(text, _ =>
        {
            count++;
            return Redacted;
        });
        result = SessionTokenLike().Replace(result, _ =>
        {
            count++;
            return Redacted;
        });
        result = Credentials().Replace(result, m =>
        {
            count++;
            return m.Groups[1].Value + Redacted;
        });
        result = ProviderKey().Replace(result, _ =>
        {
            count++;
            return Redacted;
        });

        // Credential headers, addresses with a password and name=value secrets all need a ':' or a '=': most text has
        // neither and skips these patterns (they were most of the redaction's cost).
        if (result.AsSpan().IndexOfAny(':', '=') >= 0)
        {
            result = HeaderSecret().Replace(result, m =>
            {
                count++;
                return m.Groups[1].Value + m.Groups[2].Value + Redacted;
            });
            result = UrlPassword().Replace(result, m =>
            {
                count++;
                return m.Groups[1].Value + Redacted + "@";
            });
            result = NamedSecret().Replace(result, m =>
            {
                count++;
                return m.Groups[1].Value + m.Groups[2].Value + Redacted;
            });
        }

        result = CardLike().Replace(result, m =>
        {
            if (!PassesLuhn(m.Value))
            {
                return m.Value;
            }

            count++;
            return Redacted;
        });
        return (result, count);
    }

    /// <summary>Redacts a field's value in place (by name, then by content, through nested objects and arrays); how many.</summary>
    public static int Redact(JsonObject fields)
    {
        var count = 0;
        foreach (var name in fields.Select(f => f.Key).ToList())
        {
            if (IsSecretName(name))
            {
                // A flag about a secret (token_expired: true) is not one.
                if (fields[name] is not null && fields[name]!.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                {
                    fields[name] = Redacted;
                    count++;
                }
            }
            else
            {
                count += RedactValue(fields, name);
            }
        }

        return count;
    }

    private static int RedactValue(JsonNode parent, object at)
    {
        var node = at is string name ? parent[name] : parent[(int)at];
        switch (node)
        {
            case JsonObject inner:
                return Redact(inner);
            case JsonArray array:
                var count = 0;
                for (var i = 0; i < array.Count; i++)
                {
                    count += RedactValue(array, i);
                }

                return count;
            case JsonValue value when value.TryGetValue<string>(out var text):
                var (redacted, n) = RedactText(text);
                if (n > 0)
                {
                    Replace(parent, at, redacted);
                }

                return n;
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                // A card number sent as a JSON number is still a card number (4111111111111111.0 too).
                var digits = value.ToJsonString();
                var point = digits.IndexOf('.', StringComparison.Ordinal);
                if (point > 0 && digits[(point + 1)..].All(c => c == '0'))
                {
                    digits = digits[..point];
                }

                if (digits.Length is >= 13 and <= 19 && digits.All(char.IsAsciiDigit) && PassesLuhn(digits))
                {
                    Replace(parent, at, Redacted);
                    return 1;
                }

                return 0;
            default:
                return 0;
        }
    }

    private static void Replace(JsonNode parent, object at, string value)
    {
        if (at is string name)
        {
            parent[name] = value;
        }
        else
        {
            parent[(int)at] = value;
        }
    }

    private static bool PassesLuhn(string candidate)
    {
        if (candidate[0] is < '2' or > '6')
        {
            return false;
        }

        var sum = 0;
        var digits = 0;
        var doubled = false;
        for (var i = candidate.Length - 1; i >= 0; i--)
        {
            var c = candidate[i];
            if (!char.IsAsciiDigit(c))
            {
                continue;
            }

            var d = c - '0';
            if (doubled)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
            digits++;
            doubled = !doubled;
        }

        return digits is >= 13 and <= 19 && sum % 10 == 0;
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Jwt();

    /// <summary>An HTTP credential written out: <c>Bearer …</c>, <c>Basic …</c>.</summary>
    [GeneratedRegex(@"(?i)\b((?:bearer|basic)\s+)[A-Za-z0-9._~+/-]{8,}=*", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Credentials();

    /// <summary>A secret named in text: <c>password=…</c>, <c>"token": "…"</c>, <c>?api_key=…</c>, <c>pwd: …</c>.</summary>
    [GeneratedRegex(@"(?i)\b([a-z0-9_]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|sessionid)[a-z0-9_]*|pwd|pass|session|otp|pin|cvv|cvc)([""']?\s*[:=]\s*[""']?)([^\s""'&,;}]{3,})", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex NamedSecret();

    /// <summary>The value of a header that carries credentials, written out: <c>Authorization: Token …</c>, <c>Cookie: sid=…</c>.</summary>
    [GeneratedRegex(@"(?i)\b((?:proxy-)?authorization\s*:\s*)(?!(?:bearer|basic)\s+\[REDACTED\])(?:[a-z-]+\s+)?[^\s,;]{3,}|\b((?:set-)?cookie\s*:\s*)[^\r\n]{3,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex HeaderSecret();

    /// <summary>A password in an address: <c>https://user:password@host</c>.</summary>
    [GeneratedRegex(@"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex UrlPassword();

    /// <summary>Keys whose form names their provider: Stripe, GitHub, AWS access key ids, Slack.</summary>
    [GeneratedRegex(@"\b(?:(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,})\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex ProviderKey();

    /// <summary>A session token the TovPlay backend signs (<c>v1.&lt;payload&gt;.&lt;signature&gt;</c>): whoever reads it could replay it.</summary>
    [GeneratedRegex(@"\bv1\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex SessionTokenLike();

    [GeneratedRegex(@"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex CardLike();
}
