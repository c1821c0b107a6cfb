namespace TovPlay.Logs.Web.Security;

public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Failed sign-ins in a row from one address for one account before each further attempt must wait: 1 s, then
    /// 2, 4, 8 … up to <see cref="LockoutDuration"/>. Accounts are never locked by failures (only by an admin).
    /// </summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>The longest wait between attempts from one address for one account.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The longest wait for an account after failures from many addresses (four times <see cref="MaxFailedSignIns"/>
    /// in a row); a browser the account signed in from before does not wait for it.
    /// </summary>
    public TimeSpan AccountBackoffCap { get; set; } = TimeSpan.FromMinutes(1);

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

    /// <summary>
    /// Other sites whose pages may open the app's live connections (circuit, hubs, tail socket), e.g.
    /// <c>https://grafana.tovplay.org</c>. The app's own host is always allowed.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// A PKCS#12 file whose certificate encrypts the app's data-protection keys where they are stored (the
    /// <c>data_protection_keys</c> table). Unset, the keys are stored as the framework writes them, unencrypted.
    /// </summary>
    public string? KeyEncryptionCertificate { get; set; }

    /// <summary>The file's password, from the environment (<c>Security__KeyEncryptionCertificatePassword</c>).</summary>
    public string? KeyEncryptionCertificatePassword { get; set; }

    /// <summary>
    /// Whether a reverse proxy on this host (a loopback address) is believed without being listed: the usual nginx in
    /// front of the app. Set false where local processes that are not the proxy reach the app, so that only
    /// <see cref="TrustedProxies"/> may name a client's address.
    /// </summary>
    public bool TrustLoopback { get; set; } = true;

    /// <summary>Proxies whose X-Forwarded-For is believed (CIDR or address), besides loopback while <see cref="TrustLoopback"/>.</summary>
    public List<string> TrustedProxies { get; set; } = [];
}
