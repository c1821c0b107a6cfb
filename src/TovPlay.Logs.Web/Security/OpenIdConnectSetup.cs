using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using TovPlay.Logs.Web.Hosting;

namespace TovPlay.Logs.Web.Security;

/// <summary>Single sign-on through any OpenID Connect provider, switched on by settings alone.</summary>
public static class OpenIdConnectSetup
{
    public static WebApplicationBuilder AddAppOpenIdConnect(this WebApplicationBuilder builder, SecurityOptions security)
    {
        var section = builder.Configuration.GetSection(OpenIdConnectSettings.Section);
        builder.Services.Configure<OpenIdConnectSettings>(section);
        var settings = section.Get<OpenIdConnectSettings>() ?? new OpenIdConnectSettings();
        if (!settings.IsEnabled)
        {
            return builder;
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
            o.CorrelationCookie.SecurePolicy = security.CookieSecurePolicy;
            o.NonceCookie.SecurePolicy = security.CookieSecurePolicy;
            o.CorrelationCookie.Path = AppPathBase.Value.Value;
            o.NonceCookie.Path = AppPathBase.Value.Value;
        });
        return builder;
    }
}
