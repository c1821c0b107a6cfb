using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// A small OpenID Connect provider on 127.0.0.1 speaking the real protocol: discovery, authorization code with
/// PKCE, token endpoint with an RS256-signed id_token, JWKS and user info. Its authorize step signs in the
/// user the test chose, without a login page.
/// </summary>
public sealed class FakeOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "tovplay-logs-tests";
    public const string ClientSecret = "test-client-secret";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly ConcurrentDictionary<string, (string Nonce, string Challenge, string RedirectUri)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _accessTokens = new();

    private FakeOpenIdProvider(WebApplication app)
    {
        _app = app;
        Map(app);
    }

    public Uri Authority { get; private set; } = null!;

    /// <summary>Who signs in at the next authorize call.</summary>
    public (string Subject, string Email, string[] Roles) NextUser { get; set; } = ("sub-1", "sso@tests.tovplay.org", []);

    public static async Task<FakeOpenIdProvider> StartAsync()
    {
        FakeOpenIdProvider? provider = null;
        var (app, address) = await LoopbackServer.StartAsync("OpenIdProvider", app => provider = new FakeOpenIdProvider(app));
        provider!.Authority = address;
        return provider;
    }

    private string Issuer => Authority.ToString().TrimEnd('/');

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = $"{Issuer}/authorize",
            ["token_endpoint"] = $"{Issuer}/token",
            ["userinfo_endpoint"] = $"{Issuer}/userinfo",
            ["jwks_uri"] = $"{Issuer}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));

        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(_key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });

        // Stands in for the provider's login page: answers with what its auto-submitting form would post.
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256")
            {
                return Results.BadRequest("unsupported authorization request");
            }

            var code = Guid.NewGuid().ToString("N");
            _codes[code] = (q["nonce"].ToString(), q["code_challenge"].ToString(), q["redirect_uri"].ToString());
            return Results.Json(new { redirect_uri = q["redirect_uri"].ToString(), response_mode = q["response_mode"].ToString(), code, state = q["state"].ToString() });
        });

        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret
                || !_codes.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"])
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
            if (challenge != grant.Challenge)
            {
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE verification failed" }, statusCode: 400);
            }

            var user = NextUser;
            var accessToken = Guid.NewGuid().ToString("N");
            _accessTokens[accessToken] = user.Subject;
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = ClientId,
                IssuedAt = DateTime.UtcNow,
                NotBefore = DateTime.UtcNow.AddSeconds(-5),
                Expires = DateTime.UtcNow.AddMinutes(5),
                SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = user.Subject,
                    ["email"] = user.Email,
                    ["nonce"] = grant.Nonce,
                    ["roles"] = user.Roles,
                },
            });
            return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 300, id_token = idToken });
        });

        app.MapGet("/userinfo", (HttpRequest request) =>
        {
            var token = request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
            if (!_accessTokens.TryGetValue(token, out var subject) || subject != NextUser.Subject)
            {
                return Results.Unauthorized();
            }

            return Results.Json(new { sub = NextUser.Subject, email = NextUser.Email, roles = NextUser.Roles });
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
