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

    /// <summary>Seconds a client is told to wait when keys cannot be checked.</summary>
    public const string RetryAfterSeconds = "5";

    private static readonly object s_unavailable = new();

    /// <summary>A database that cannot be reached, however deep in the exception (EF wraps Npgsql's errors).</summary>
    private static bool DatabaseUnavailable(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return ex is Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException;
    }

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

        ApiKeyIdentity? key;
        try
        {
            key = await authenticator.VerifyAsync(token.Trim(), Context.RequestAborted);
        }
        catch (Exception ex) when (DatabaseUnavailable(ex) && !Context.RequestAborted.IsCancellationRequested)
        {
            // Not the client's fault, and not a refusal: the challenge answers 503 with when to try again.
            Logger.LogWarning(ex, "API keys could not be checked: the app database is unavailable");
            Context.Items[s_unavailable] = true;
            return AuthenticateResult.Fail("the app database is unavailable, so API keys cannot be checked; retry later");
        }

        if (key is null)
        {
            return AuthenticateResult.Fail("invalid or revoked API key");
        }

        var principal = PrincipalOf(key);
        Context.Items[typeof(ApiKeyIdentity)] = key;
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(s_unavailable))
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = RetryAfterSeconds;
            Response.ContentType = "text/plain; charset=utf-8";
            await Response.WriteAsync("unavailable: the app database is unavailable, so API keys cannot be checked; retry later\n");
            return;
        }

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

    /// <summary>The principal a verified key signs in as: its name, id and scopes.</summary>
    public static ClaimsPrincipal PrincipalOf(ApiKeyIdentity key)
    {
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

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    /// <summary>
    /// Who is calling, for the limits kept per caller: the API key's id, or the signed-in user's id; the prefix keeps
    /// a key and a user with the same text apart.
    /// </summary>
    public static string CallerOf(ClaimsPrincipal user) =>
        user.FindFirstValue(KeyIdClaim) is { } key ? "key:" + key : "user:" + user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static ApiKeyIdentity? Of(HttpContext context) => context.Items[typeof(ApiKeyIdentity)] as ApiKeyIdentity;
}
