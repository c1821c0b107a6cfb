using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Security;

public static class SecurityServices
{
    public const string CookieName = "tovplay_logs_auth";
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string AccessDeniedPath = "/account/access-denied";

    public static WebApplicationBuilder AddAppSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        services.Configure<SecurityOptions>(builder.Configuration.GetSection(SecurityOptions.Section));

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
                o.Password.RequiredLength = security.MinPasswordLength;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = security.MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = security.LockoutDuration;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = security.RevalidationInterval);
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = PathBase.Value;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = security.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = security.SessionIdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = LoginPath;
            o.LogoutPath = LogoutPath;
            o.AccessDeniedPath = AccessDeniedPath;
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
        });

        AddOpenIdConnect(builder, security);
        services.AddSignInRateLimit(security);

        var viewer = AppRoles.AtLeast(AppRoles.Viewer).ToArray();
        services.AddAuthorizationBuilder()
            .AddPolicy(AppPolicies.Viewer, p => p.RequireAuthenticatedUser().RequireRole(viewer))
            .AddPolicy(AppPolicies.Investigator, p => p.RequireAuthenticatedUser().RequireRole(AppRoles.AtLeast(AppRoles.Investigator)))
            .AddPolicy(AppPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(AppRoles.AtLeast(AppRoles.Admin)))
            // Anything mapped without an explicit policy needs a signed-in user with some role:
            // forgetting [Authorize] on a new endpoint must not make it public.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser().RequireRole(viewer).Build());

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddHttpContextAccessor();
        services.AddScoped<RequestOrigin>();
        services.AddScoped<CircuitHandler, CircuitOriginHandler>();
        services.AddScoped<AppAuditLog>();
        services.AddScoped<AppAuditQuery>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<IPasswordSignIn, PasswordSignIn>();
        services.AddScoped<AdminBootstrapper>();

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in security.TrustedProxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    o.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
                else
                {
                    throw new InvalidOperationException($"Security:TrustedProxies holds '{proxy}', which is neither an address nor a CIDR network.");
                }
            }
        });

        // Keys in the app database: sign-ins survive restarts and work across replicas.
        services.AddDataProtection()
            .SetApplicationName("tovplay-logs")
            .PersistKeysToDbContext<AppDbContext>();

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "tovplay_logs_af";
            o.Cookie.SecurePolicy = security.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = PathBase.Value;
        });
        return builder;
    }

    /// <summary>The one path base of the app; every page, asset, hub and API lives under it.</summary>
    public static readonly PathString PathBase = new("/logs");

    /// <summary>Pages get a redirect to sign in; APIs, hubs and scripts get a bare status they can act on.</summary>
    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        var request = ctx.Request;
        var wantsPage = HttpMethods.IsGet(request.Method)
            && request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
        if (wantsPage)
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }
        else
        {
            ctx.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }

    private static void AddOpenIdConnect(WebApplicationBuilder builder, SecurityOptions security)
    {
        var section = builder.Configuration.GetSection(OpenIdConnectSettings.Section);
        builder.Services.Configure<OpenIdConnectSettings>(section);
        var settings = section.Get<OpenIdConnectSettings>() ?? new OpenIdConnectSettings();
        if (!settings.IsEnabled)
        {
            return;
        }

        builder.Services.AddAuthentication().AddOpenIdConnect(OpenIdConnectSettings.Scheme, settings.DisplayName, o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.ResponseType = "code";
            o.UsePkce = true;
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.CallbackPath = "/account/oidc-callback";
            o.Scope.Clear();
            foreach (var scope in settings.Scopes)
            {
                o.Scope.Add(scope);
            }

            o.ClaimActions.MapJsonKey(settings.RoleClaimType, settings.RoleClaimType);

            // The round-trip cookies follow the app's own HTTPS policy, so a plain-HTTP test or lab setup works.
            var secure = security.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.CorrelationCookie.SecurePolicy = secure;
            o.NonceCookie.SecurePolicy = secure;
            o.CorrelationCookie.Path = PathBase.Value;
            o.NonceCookie.Path = PathBase.Value;
        });
    }
}
