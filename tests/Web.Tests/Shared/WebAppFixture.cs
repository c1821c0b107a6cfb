using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Web.Security;

[assembly: AssemblyFixture(typeof(TovPlay.Logs.Web.Tests.Shared.WebAppFixture))]

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>One database and one running app for the whole test project; each test makes its own users.</summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private TestApp? _app;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    public TestApp App => _app ?? throw new InvalidOperationException("Fixture not initialised.");

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("web_tests");
        _app = new TestApp(_database.ConnectionString);
        _ = _app.ServerAddress; // starts the app: migrations and the first admin
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>A new account with the given roles and a known password.</summary>
    public async Task<TestUser> CreateUserAsync(params string[] roles)
    {
        var email = $"user-{Guid.NewGuid():N}@tests.tovplay.org";
        const string password = "Test-Passw0rd-123";
        await using var scope = App.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var system = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "tests")], "tests"));
        var created = await administration.CreateAsync(system, email, roles.Length > 0 ? roles[0] : Domain.Security.AppRoles.Viewer, password);
        Assert.True(created.Succeeded, created.Message);
        if (roles.Length != 1)
        {
            var user = await FindUserIdAsync(email);
            var set = await administration.SetRolesAsync(system, user, roles);
            Assert.True(set.Succeeded, set.Message);
        }

        return new TestUser(email, password);
    }

    /// <summary>Locks the account as an admin would on the Users page.</summary>
    public async Task LockAsync(string email)
    {
        var id = await FindUserIdAsync(email);
        await using var scope = App.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var system = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "tests")], "tests"));
        Assert.True((await administration.SetLockedAsync(system, id, true)).Succeeded);
    }

    /// <summary>A new API key with the given scopes; returns the token to send.</summary>
    public Task<string> CreateApiKeyAsync(bool push = true, bool read = true, int? ingestionRateBytes = null) =>
        App.CreateApiKeyAsync(push, read, ingestionRateBytes);

    public async Task<string> FindUserIdAsync(string email)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"Id\" FROM \"AspNetUsers\" WHERE \"Email\" = @email", connection);
        command.Parameters.AddWithValue("email", email);
        return (string)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No user {email}."));
    }
}

public sealed record TestUser(string Email, string Password);
