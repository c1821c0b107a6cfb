namespace TovPlay.Logs.Web.Security;

public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Password sign-in posts allowed per client address per minute, whatever the account.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 20;

    /// <summary>How long a sign-in lasts without activity.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// How often an open page re-checks that its user still exists and keeps its roles, so a revoked
    /// operator loses access within this interval, not at the end of the session.
    /// </summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    public int MinPasswordLength { get; set; } = 12;

    /// <summary>Send cookies over HTTPS only. On in production, where TLS ends at the reverse proxy.</summary>
    public bool SecureCookies { get; set; }

    public CookieSecurePolicy CookieSecurePolicy => SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    /// <summary>Proxies whose X-Forwarded-For is believed (CIDR or address). Loopback is always trusted.</summary>
    public List<string> TrustedProxies { get; set; } = [];
}
