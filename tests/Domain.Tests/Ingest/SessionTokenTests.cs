using System.Text;
using TovPlay.Logs.Domain.Ingest;

namespace TovPlay.Logs.Domain.Tests.Ingest;

public sealed class SessionTokenTests
{
    private static readonly byte[] s_key = Encoding.UTF8.GetBytes("a key only the backend and the app hold");
    private static readonly DateTimeOffset s_now = new(2026, 12, 4, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Verify_ATokenTheBackendSigned_NamesItsUser_UntilItExpires()
    {
        var token = SessionToken.Sign(new SessionUser("42", "maya"), s_now.AddMinutes(30), s_key);

        Assert.Equal((SessionTokenStatus.Valid, new SessionUser("42", "maya")), SessionToken.Verify(token, s_now, s_key));
        Assert.Equal((SessionTokenStatus.Expired, null), SessionToken.Verify(token, s_now.AddMinutes(30), s_key));
    }

    [Fact]
    public void Verify_AChangedPayload_AnotherKey_OrNoKey_IsInvalid()
    {
        var token = SessionToken.Sign(new SessionUser("42", "maya"), s_now.AddMinutes(30), s_key);
        var parts = token.Split('.');
        var forged = SessionToken.Sign(new SessionUser("1", "admin"), s_now.AddMinutes(30), s_key).Split('.')[1];

        Assert.Equal(SessionTokenStatus.Invalid, SessionToken.Verify($"{parts[0]}.{forged}.{parts[2]}", s_now, s_key).Status);
        Assert.Equal(SessionTokenStatus.Invalid, SessionToken.Verify(token, s_now, Encoding.UTF8.GetBytes("another key")).Status);
        Assert.Equal(SessionTokenStatus.Invalid, SessionToken.Verify(token, s_now, []).Status);
        Assert.Equal(SessionTokenStatus.Invalid, SessionToken.Verify("v1.not base64.!", s_now, s_key).Status);
        Assert.Equal(SessionTokenStatus.Invalid, SessionToken.Verify("v2." + parts[1] + "." + parts[2], s_now, s_key).Status);
    }

    [Fact]
    public void Verify_ATokenMeantToLastMoreThanADay_IsInvalid()
    {
        var token = SessionToken.Sign(new SessionUser("42", "maya"), s_now.AddYears(31), s_key);

        Assert.Equal((SessionTokenStatus.Invalid, null), SessionToken.Verify(token, s_now, s_key));
        Assert.Equal(SessionTokenStatus.Valid, SessionToken.Verify(SessionToken.Sign(new SessionUser("42", "maya"), s_now.AddHours(24), s_key), s_now, s_key).Status);
    }

    [Fact]
    public void Verify_ASignedPayloadOfOtherShapes_IsInvalid_NeverThrown()
    {
        string Signed(string json)
        {
            var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(s_key, Encoding.ASCII.GetBytes("v1." + payload)))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return $"v1.{payload}.{signature}";
        }

        Assert.Equal(SessionTokenStatus.Invalid, SessionToken.Verify(Signed("""{"sub": 51, "name": "a\ud83db", "exp": 1796384400}"""), s_now, s_key).Status);
        Assert.Equal(SessionTokenStatus.Invalid, SessionToken.Verify(Signed("""{"sub": 51, "exp": "1796384400"}"""), s_now, s_key).Status);
    }

    [Fact]
    public void Verify_ATokenSignedElsewhere_WithTheSameKeyAndForm_IsValid()
    {
        // What the Flask integration's sign_session_token makes for user 7 "noa" expiring at 1796384400 with this key.
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"sub": 7, "name": "noa", "exp": 1796384400}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(s_key, Encoding.ASCII.GetBytes("v1." + payload)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal((SessionTokenStatus.Valid, new SessionUser("7", "noa")), SessionToken.Verify($"v1.{payload}.{signature}", s_now, s_key));
    }
}
