using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>The real app on Kestrel at 127.0.0.1 (a real port, real HTTP), against a test database.</summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "first-admin@tests.tovplay.org";
    public const string AdminPassword = "First-Admin-Passw0rd";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public TestApp(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:AppDb"] = SharedPgBouncer.Route(connectionString),
            ["ConnectionStrings:AppDbDirect"] = connectionString,
            [AdminBootstrapper.EmailVariable] = AdminEmail,
            [AdminBootstrapper.PasswordVariable] = AdminPassword,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            // Every test signs in from 127.0.0.1; the per-address cap has a test of its own.
            ["Security:SignInAttemptsPerMinute"] = "100000",
            // Several apps share a test database and each loads its head from it: keep each one small.
            ["LogStore:HeadMegabytes"] = "64",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(0);
    }

    /// <summary>The server's address, e.g. http://127.0.0.1:41234.</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            return new Uri(addresses.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    /// <summary>The app's home, http://127.0.0.1:PORT/logs/, for relative requests such as "account/login".</summary>
    public Uri AppUri => new(ServerAddress, "/logs/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>A new user of this app with one role; returns how to sign in.</summary>
    public async Task<(string Email, string Password)> CreateUserAsync(string role)
    {
        var email = $"user-{Guid.NewGuid():N}@tests.tovplay.org";
        const string password = "Test-Passw0rd-123";
        await using var scope = Services.CreateAsyncScope();
        var tests = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "tests")], "tests"));
        var result = await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync(tests, email, role, password);
        Assert.True(result.Succeeded, result.Message);
        return (email, password);
    }

    /// <summary>A new API key in this app's database, with the given scopes; returns the token to send.</summary>
    public async Task<string> CreateApiKeyAsync(bool push = true, bool read = true, int? ingestionRateBytes = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeys.ApiKeyAdministration>();
        var system = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "tests")], "tests"));
        var created = await keys.CreateAsync(system, $"key-{Guid.NewGuid():N}"[..20], push, read, ingestionRateBytes, TestContext.Current.CancellationToken);
        return created.Token;
    }

    /// <summary>
    /// A client that asks for pages as a browser does (Accept: text/html), keeps cookies and does not follow
    /// redirects, so tests see them.
    /// </summary>
    public HttpClient CreateBrowserLikeClient(bool followRedirects = false, System.Net.CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true, CookieContainer = cookies ?? new System.Net.CookieContainer() };
        var client = new HttpClient(handler) { BaseAddress = AppUri };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        return client;
    }
}
