using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Hosting;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// The account actions that must set or clear a cookie, which only an HTTP request can do:
/// sign-out and the single sign-on round trip. The password sign-in is the statically rendered Login page.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account");

        account.MapPost("/logout", async (HttpContext http, SignInManager<AppUser> signIn, AppAuditLog audit) =>
        {
            await audit.WriteAsync(AppAuditEntry.By(http.User, AppAuditActions.SignOut, http.User.Identity?.Name));
            await signIn.SignOutAsync();
            return Results.LocalRedirect($"~{SecurityServices.LoginPath}");
        }).RequireAuthorization().RequireFormToken("The sign-out form has expired; reload the page and try again.");

        account.MapPost("/external-login", (HttpContext http, SignInManager<AppUser> signIn, IOptions<OpenIdConnectSettings> oidc, [FromForm] string? returnUrl) =>
        {
            if (!oidc.Value.IsEnabled)
            {
                return Results.Problem("Single sign-on is not configured.", statusCode: StatusCodes.Status404NotFound);
            }

            var callback = $"{http.Request.PathBase}/account/external-callback?returnUrl={Uri.EscapeDataString(SafeReturnUrl(returnUrl))}";
            var properties = signIn.ConfigureExternalAuthenticationProperties(OpenIdConnectSettings.Scheme, callback);
            return Results.Challenge(properties, [OpenIdConnectSettings.Scheme]);
        }).AllowAnonymous().RequireFormToken("The sign-in form has expired; reload the page and try again.");

        account.MapGet("/external-callback", ExternalCallbackAsync).AllowAnonymous();
        return endpoints;
    }

    /// <summary>
    /// Plain form posts from the pages. The antiforgery middleware only records its verdict, and an endpoint that binds
    /// no form field would never look at it, so these endpoints refuse an invalid token themselves.
    /// </summary>
    private static RouteHandlerBuilder RequireFormToken(this RouteHandlerBuilder endpoint, string expiredMessage) =>
        endpoint.WithMetadata(new RequireAntiforgeryTokenAttribute()).AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
                ? Results.BadRequest(expiredMessage)
                : await next(context));

    /// <summary>
    /// A return address after sign-in: a path under the app's path base (as the cookie handler writes it,
    /// e.g. <c>/logs/live?q=..</c>), else the app's home. Anything else would make sign-in an open redirect.
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl)
    {
        var home = $"{AppPathBase.Value}/";
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 2048)
        {
            return home;
        }

        var underBase = returnUrl == AppPathBase.Value.Value
            || returnUrl.StartsWith(home, StringComparison.Ordinal)
            || returnUrl.StartsWith($"{AppPathBase.Value}?", StringComparison.Ordinal);
        return underBase && StaysPut(returnUrl) ? returnUrl : home;
    }

    /// <summary>
    /// A path the browser will not move out of the path base when it resolves it: no dot segments (<c>/logs/../..</c>),
    /// no empty segments (<c>//host</c>), no backslashes or encoded slashes and dots, no control characters.
    /// </summary>
    private static bool StaysPut(string url)
    {
        var path = url.Split('?', '#')[0];
        if (path.Any(c => char.IsControl(c) || c == '\\')
            || path.Contains("%2e", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5c", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var segments = path.Split('/');
        return segments.Skip(1).SkipLast(1).All(s => s.Length > 0 && s is not "." and not "..") && segments[^1] is not "." and not "..";
    }

    private static async Task<IResult> ExternalCallbackAsync(
        HttpContext http,
        SignInManager<AppUser> signIn,
        UserManager<AppUser> users,
        AppAuditLog audit,
        IOptions<OpenIdConnectSettings> oidc,
        string? returnUrl)
    {
        var target = SafeReturnUrl(returnUrl);
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null)
        {
            return Fail(ExternalSignInError.Incomplete);
        }

        var email = info.Principal.FindFirstValue(ClaimTypes.Email) ?? info.Principal.FindFirstValue("email");
        var signedIn = await signIn.ExternalLoginSignInAsync(info.LoginProvider, info.ProviderKey, isPersistent: false, bypassTwoFactor: true);
        if (signedIn.Succeeded)
        {
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInSucceeded, email ?? info.ProviderKey, null, email, true, $"via {info.ProviderDisplayName}"));
            return TypedResults.LocalRedirect(target);
        }

        if (signedIn.IsLockedOut)
        {
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInLockedOut, email ?? info.ProviderKey, null, email, false, $"via {info.ProviderDisplayName}"));
            return Fail(ExternalSignInError.Locked);
        }

        if (string.IsNullOrEmpty(email))
        {
            return Fail(ExternalSignInError.NoEmail);
        }

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                return await FailAsync(ExternalSignInError.NotCreated, created);
            }

            // The handler maps a token's "roles" to ClaimTypes.Role; user-info values keep the configured name.
            var rolesFromToken = info.Principal.Claims
                .Where(c => c.Type == oidc.Value.RoleClaimType || c.Type == ClaimTypes.Role)
                .Select(c => AppRoles.Normalize(c.Value)).OfType<string>().Distinct().ToList();
            if (rolesFromToken.Count == 0 && AppRoles.Normalize(oidc.Value.DefaultRole) is { } defaultRole)
            {
                rolesFromToken.Add(defaultRole);
            }

            if (rolesFromToken.Count > 0)
            {
                await users.AddToRolesAsync(user, rolesFromToken);
            }

            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.UserCreated, AppAuditEntry.System, null, email, true,
                $"first sign-in via {info.ProviderDisplayName}; roles: {(rolesFromToken.Count == 0 ? "none" : string.Join(", ", rolesFromToken))}"));
        }

        var linked = await users.AddLoginAsync(user, info);
        if (!linked.Succeeded)
        {
            return await FailAsync(ExternalSignInError.NotLinked, linked);
        }

        await signIn.SignInAsync(user, isPersistent: false, info.LoginProvider);
        await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInSucceeded, email, user.Id, email, true, $"via {info.ProviderDisplayName}"));
        return TypedResults.LocalRedirect(target);

        // Only a code travels in the address: the page shows its own text for it, never text from the query.
        IResult Fail(string code) =>
            TypedResults.LocalRedirect($"~{SecurityServices.LoginPath}?error={code}");

        async Task<IResult> FailAsync(string code, IdentityResult result)
        {
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInFailed, email ?? info.ProviderKey, null, email, false,
                $"via {info.ProviderDisplayName}: {string.Join(" ", result.Errors.Select(e => e.Description))}"));
            return Fail(code);
        }
    }
}
