using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.Hosting;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// A long-lived cookie naming the accounts that signed in with a password from this browser, protected by the app's
/// keys. It grants nothing by itself; it only lets its owner skip the per-account sign-in backoff that strangers'
/// failures may have started (<see cref="SignInThrottle"/>).
/// </summary>
public sealed class KnownDevice(IDataProtectionProvider protection, IOptions<SecurityOptions> security, TimeProvider time)
{
    public const string CookieName = "tovplay.device";
    private const int MaxAccounts = 5;

    private readonly IDataProtector _protector = protection.CreateProtector("TovPlay.Logs.KnownDevice");

    public bool Knows(HttpContext? http, string userId) => http is not null && Accounts(http).Contains(userId, StringComparer.Ordinal);

    public void Remember(HttpContext? http, string userId)
    {
        if (http is null || http.Response.HasStarted)
        {
            return;
        }

        var accounts = Accounts(http).Where(a => a != userId).Prepend(userId).Take(MaxAccounts);
        http.Response.Cookies.Append(CookieName, _protector.Protect(string.Join('\n', accounts)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = security.Value.SecureCookies || http.Request.IsHttps,
            Path = AppPathBase.Value.Value,
            Expires = time.GetUtcNow().AddDays(365),
            IsEssential = true,
        });
    }

    private string[] Accounts(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return [];
        }

        try
        {
            return _protector.Unprotect(value).Split('\n');
        }
        catch (CryptographicException)
        {
            return [];
        }
    }
}
