using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Hosting;

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
        services.AddSingleton<DatabaseTicketStore>();
        services.AddSingleton<AccessRevalidator>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<KnownDevice>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<DatabaseTicketStore>((o, store) => o.SessionStore = store);
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = AppPathBase.Value.Value;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = security.CookieSecurePolicy;
            o.ExpireTimeSpan = security.SessionIdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = LoginPath;
            o.LogoutPath = LogoutPath;
            o.AccessDeniedPath = AccessDeniedPath;
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
        });

        builder.AddAppOpenIdConnect(security);
        services.AddSignInRateLimit(security);

        var viewer = AppRoles.AtLeast(AppRoles.Viewer).ToArray();
        services.AddAuthorizationBuilder()
            .AddPolicy(AppPolicies.Viewer, p => p.RequireAuthenticatedUser().RequireRole(viewer))
            .AddPolicy(AppPolicies.Investigator, p => p.RequireAuthenticatedUser().RequireRole(AppRoles.AtLeast(AppRoles.Investigator)))
            .AddPolicy(AppPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(AppRoles.AtLeast(AppRoles.Admin)))
            // Anything mapped without an explicit policy needs a signed-in user with some role:
            // forgetting [Authorize] on a new endpoint must not make it public.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
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

        services.AddTrustedProxies(security);

        // Keys in the app database: sign-ins survive restarts and work across replicas.
        var dataProtection = services.AddDataProtection()
            .SetApplicationName("tovplay-logs")
            .PersistKeysToDbContext<AppDbContext>();
        if (!string.IsNullOrEmpty(security.KeyEncryptionCertificate))
        {
            // Keys at rest in the database are then encrypted; without a certificate, the database's own access
            // control is all that guards them (documented in the README).
            dataProtection.ProtectKeysWithCertificate(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                security.KeyEncryptionCertificate, security.KeyEncryptionCertificatePassword));
        }

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "tovplay_logs_af";
            o.Cookie.SecurePolicy = security.CookieSecurePolicy;
            o.Cookie.Path = AppPathBase.Value.Value;
        });
        return builder;
    }

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
}
