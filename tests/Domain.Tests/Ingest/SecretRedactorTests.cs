using System.Text.Json.Nodes;
using TovPlay.Logs.Domain.Ingest;

namespace TovPlay.Logs.Domain.Tests.Ingest;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("newPassword")]
    [InlineData("access_token")]
    [InlineData("X-Auth-Token")]
    [InlineData("Authorization")]
    [InlineData("cookie")]
    [InlineData("api_key")]
    [InlineData("creditCard")]
    [InlineData("card-number")]
    [InlineData("cvv")]
    [InlineData("pwd")]
    [InlineData("client.secret")]
    [InlineData("authentication")]
    [InlineData("credentials")]
    [InlineData("access_key")]
    [InlineData("session")]
    [InlineData("otp")]
    [InlineData("pin")]
    [InlineData("ssn")]
    public void IsSecretName_NamesThatHoldSecrets_AreKnownHoweverSpelled(string name) => Assert.True(SecretRedactor.IsSecretName(name));

    [Theory]
    [InlineData("page")]
    [InlineData("session_id")]
    [InlineData("correlation_id")]
    [InlineData("author")]
    [InlineData("message")]
    [InlineData("spinner")]
    [InlineData("pinned")]
    public void IsSecretName_OrdinaryNames_AreNot(string name) => Assert.False(SecretRedactor.IsSecretName(name));

    [Theory]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlX2hlcmU expired", "token [REDACTED] expired")]
    [InlineData("sent Authorization: Bearer abc.DEF-123_xyz~ to /api", "sent Authorization: Bearer [REDACTED] to /api")]
    [InlineData("card 4111 1111 1111 1111 declined", "card [REDACTED] declined")]
    [InlineData("card 4111-1111-1111-1111", "card [REDACTED]")]
    [InlineData("paid with 5555555555554444.", "paid with [REDACTED].")]
    [InlineData("login with password=hunter2 failed", "login with password=[REDACTED] failed")]
    [InlineData("pwd: hunter3", "pwd: [REDACTED]")]
    [InlineData("GET /reset?token=abcdef123456&lang=he", "GET /reset?token=[REDACTED]&lang=he")]
    [InlineData("{\"api_key\": \"sk_live_51Hx\"}", "{\"api_key\": \"[REDACTED]\"}")]
    [InlineData("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [REDACTED]")]
    [InlineData("session v1.eyJzdWIiOjQyLCJuYW1lIjoibWF5YSJ9.c2lnbmF0dXJlX2hlcmVfbG9uZw lost", "session [REDACTED] lost")]
    public void RedactText_SecretsInText_AreReplaced(string text, string expected)
    {
        var (redacted, count) = SecretRedactor.RedactText(text);

        Assert.Equal(expected, redacted);
        Assert.Equal(1, count);
    }

    [Theory]
    [InlineData("order 4111111111111112 shipped")]
    [InlineData("at 2026-12-04 10:30:00.123 took 1234567 ms")]
    [InlineData("bearer of bad news")]
    [InlineData("request 1796380199500 done")]
    [InlineData("at 1796380199507 (a timestamp that passes the Luhn check)")]
    public void RedactText_NumbersThatAreNotCards_AndPlainWords_AreKept(string text) => Assert.Equal((text, 0), SecretRedactor.RedactText(text));

    [Theory]
    [InlineData("PASSWORD = 'hunter3' set", "PASSWORD = '[REDACTED]' set")]
    [InlineData("Cookie: sid=abc123; theme=dark", "Cookie: [REDACTED]")]
    [InlineData("Authorization: Token abcdef123 sent", "Authorization: [REDACTED] sent")]
    [InlineData("GET https://bob:hunter17@db.tovplay.test/x", "GET https://bob:[REDACTED]@db.tovplay.test/x")]
    [InlineData("aws_secret_access_key=wJalrXUtnFEMI", "aws_secret_access_key=[REDACTED]")]
    [InlineData("key sk_live_51HxAbCdEf and AKIAIOSFODNN7EXAMPLE", "key [REDACTED] and [REDACTED]")]
    public void RedactText_HeadersAddressesAndProviderKeys_AreReplaced(string text, string expected) => Assert.Equal(expected, SecretRedactor.RedactText(text).Text);

    [Fact]
    public void Redact_AFlagAboutASecret_IsKept()
    {
        var fields = JsonNode.Parse("""{"token_expired": true, "password_reset_sent": false, "totp": "123456"}""")!.AsObject();

        SecretRedactor.Redact(fields);

        Assert.Equal("""{"token_expired":true,"password_reset_sent":false,"totp":"[REDACTED]"}""", fields.ToJsonString());
    }

    [Fact]
    public void Redact_FieldsByNameAndByContent_ThroughNestedObjectsAndArrays()
    {
        var fields = JsonNode.Parse("""
            {"password": "hunter2", "form": {"email": "a@b.c", "Token": {"value": "x"}}, "cards": [4111111111111111, "ok"],
             "headers": [{"name": "x", "value": "Bearer abcdefghijkl"}], "page": "/store", "cookie": null}
            """)!.AsObject();

        var count = SecretRedactor.Redact(fields);

        Assert.Equal(4, count);
        Assert.Equal("""{"password":"[REDACTED]","form":{"email":"a@b.c","Token":"[REDACTED]"},"cards":["[REDACTED]","ok"],"headers":[{"name":"x","value":"Bearer [REDACTED]"}],"page":"/store","cookie":null}""", fields.ToJsonString());
    }
}
