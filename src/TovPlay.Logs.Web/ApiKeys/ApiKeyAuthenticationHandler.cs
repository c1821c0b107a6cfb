using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace TovPlay.Logs.Web.ApiKeys;

/// <summary>
/// Authenticates machine clients by an API key sent as <c>Authorization: Bearer &lt;key&gt;</c> or as the password of
/// basic auth (how promtail, Alloy and logcli are configured). Refusals are plain-text 401s a script can read.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ScopeClaim = "tovplay:scope";
    public const string KeyIdClaim = "tovplay:key_id";
    public const string PushScope = "push";
    public const string ReadScope = "read";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization.ToString(), out var header) || header.Parameter is null)
        {
            return AuthenticateResult.NoResult();
        }

        var token = header.Scheme.ToLowerInvariant() switch
        {
            "bearer" => header.Parameter,
            "basic" => BasicPassword(header.Parameter),
            _ => null,
        };
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var key = await authenticator.VerifyAsync(token.Trim(), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("invalid or revoked API key");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.NameIdentifier, key.Id.ToString()),
            new(KeyIdClaim, key.KeyId),
        };
        if (key.CanPush)
        {
            claims.Add(new Claim(ScopeClaim, PushScope));
        }

        if (key.CanRead)
        {
            claims.Add(new Claim(ScopeClaim, ReadScope));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        Context.Items[typeof(ApiKeyIdentity)] = key;
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"tovplay-logs\", Basic realm=\"tovplay-logs\"";
        Response.ContentType = "text/plain; charset=utf-8";
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        await Response.WriteAsync($"unauthorized: {failure ?? "an API key is required (Authorization: Bearer <key>, or basic auth with the key as password)"}\n");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.ContentType = "text/plain; charset=utf-8";
        await Response.WriteAsync("forbidden: this API key does not have the scope this endpoint needs\n");
    }

    private static string? BasicPassword(string parameter)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon >= 0 ? decoded[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static ApiKeyIdentity? Of(HttpContext context) => context.Items[typeof(ApiKeyIdentity)] as ApiKeyIdentity;
}
